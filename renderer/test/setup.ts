import '@testing-library/jest-dom/vitest';

// jsdom has no ResizeObserver; the virtual list then falls back to estimated row heights.
// jsdom does not lay out either: give the message viewport a height so rows are "visible".
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return this.getAttribute('role') === 'region' ? 600 : 0;
  },
});
