import '@testing-library/jest-dom/vitest';

// jsdom does no layout. The virtual list needs a viewport height and a scroll model, so the message
// viewport (the element with role="region" and class "viewport") gets one: 600 px tall, content as tall
// as its spacers plus 58 px per rendered row (the list's estimate, since jsdom has no ResizeObserver),
// and scrollTop clamped to that content like a browser does.
const ROW_HEIGHT = 58;
const VIEWPORT_HEIGHT = 600;
const scrollTops = new WeakMap<Element, number>();

function isViewport(el: Element): boolean {
  return el.getAttribute('role') === 'region' && el.classList.contains('viewport');
}

function contentHeight(el: Element): number {
  let height = 0;
  el.querySelectorAll<HTMLElement>('.spacer').forEach((s) => (height += Number.parseFloat(s.style.height) || 0));
  return height + el.querySelectorAll('[role="listitem"]').length * ROW_HEIGHT;
}

Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return isViewport(this) ? VIEWPORT_HEIGHT : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return isViewport(this) ? contentHeight(this) : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, 'scrollTop', {
  configurable: true,
  get(this: HTMLElement) {
    return scrollTops.get(this) ?? 0;
  },
  set(this: HTMLElement, value: number) {
    const max = Math.max(0, this.scrollHeight - this.clientHeight);
    scrollTops.set(this, Math.min(max, Math.max(0, value)));
  },
});
