// npm run bench:ui — the window with a 10,000-message conversation, in Debian's Chromium against a real
// server: how long until the newest messages are visible after opening the conversation, and the frame
// times while scrolling fast through all of it (older pages load on the way). Prints figures; asserts
// nothing. Goals: under 300 ms to the newest messages; no frame over 50 ms.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { ChatClient } from '../core/client/chat-client.js';
import { MemoryStore } from '../core/client/store.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/playwright-settings.js';
import { startServerProcess } from '../test/support/server-process.js';
import { describeCpu, describeLongFrames, summarizeLongFrames, threadCpu, WORKER_LOG_SCRIPT, type FrameRecord, type LongFrameEntry } from './bench/ui-frames.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const OPEN_RUNS = 5;
const SEND_CONCURRENCY = 16;
const PASSWORD = 'orbit velvet canyon marble 42';
const SCROLL_STEP_PX = 400;
const SCROLL_LIMIT_MS = 120_000;

const WORDS = 'the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing matches'.split(' ');

function messageText(n: number): string {
  const label = `Message ${String(n).padStart(5, '0')} of ${MESSAGES}`;
  // Varying lengths (one to several lines) so rows have different heights, as in a real conversation.
  const words = 3 + ((n * 7919) % 40);
  const body = Array.from({ length: words }, (_, i) => WORDS[(n + i) % WORDS.length]).join(' ');
  return n % 13 === 0 ? `${label}\n${body}\n${body}` : `${label}: ${body}`;
}

function stats(values: number[]): { median: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

async function seed(serverUrl: string): Promise<{ alice: string; bob: string }> {
  const suffix = Date.now().toString(36).slice(-6);
  const alice = new ChatClient({ serverUrl, store: new MemoryStore() });
  const bob = new ChatClient({ serverUrl, store: new MemoryStore() });
  const names = { alice: `alice_${suffix}`, bob: `bob_${suffix}` };
  await alice.register({ username: names.alice, password: PASSWORD });
  await bob.register({ username: names.bob, password: PASSWORD });
  const started = performance.now();
  let next = 1;
  // Messages are numbered in sending order; concurrency may reorder neighbours on the server, which a
  // conversation view must handle anyway.
  async function worker(): Promise<void> {
    while (next <= MESSAGES) {
      const n = next++;
      const fromBob = n % 3 === 0;
      const client = fromBob ? bob : alice;
      await client.send({ conversation: fromBob ? names.alice : names.bob, text: messageText(n), id: client.newMessageId() });
      if (n % 1000 === 0) process.stdout.write(`  seeded ${n} messages (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  }
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  await Promise.all([alice.close(), bob.close()]);
  return names;
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: /^alice_/ }).waitFor({ timeout: 120_000 });
}

/** From the click on the contact to the newest message shown decrypted and verified, in the page's clock. */
async function timeToNewest(page: Page, newestText: string): Promise<number> {
  const contact = page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: /^alice_/ });
  await page.evaluate((text) => {
    const w = window as unknown as { benchDone: Promise<number>; benchClick: number };
    w.benchDone = new Promise<number>((resolve) => {
      const check = () => {
        for (const el of document.querySelectorAll('[role="listitem"]')) {
          if (el.textContent?.includes(text) && el.textContent.includes('Verified')) return true;
        }
        return false;
      };
      const observer = new MutationObserver(() => {
        if (check()) {
          observer.disconnect();
          resolve(performance.now() - w.benchClick);
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    document.addEventListener('click', () => (w.benchClick = performance.now()), { capture: true, once: true });
  }, newestText);
  await contact.click();
  return page.evaluate(() => (window as unknown as { benchDone: Promise<number> }).benchDone);
}

interface ScrollResult extends FrameRecord {
  frames: number[];
  reachedStart: boolean;
  seconds: number;
  /** From the last frame that moved the list to the end: the first message shown decrypted once there. */
  stillMs: number;
}

/**
 * Scrolls up SCROLL_STEP_PX every frame until the first message is on screen; records frame intervals, the
 * long-animation-frame entries and the worker's answers meanwhile (see scripts/bench/ui-frames.ts).
 */
async function fastScroll(page: Page): Promise<ScrollResult> {
  return page.evaluate(
    ({ step, limitMs, firstText }) =>
      new Promise<ScrollResult>((resolve) => {
        const viewport = document.querySelector<HTMLElement>('[role="region"][aria-label^="Messages with"]')!;
        const workerLog = (globalThis as unknown as { __benchWorkerLog: Array<[number, string]> }).__benchWorkerLog;
        const logFrom = workerLog.length;
        type Loaf = PerformanceEntry & {
          blockingDuration: number;
          renderStart: number;
          styleAndLayoutStart: number;
          scripts: Array<{ invoker: string; invokerType: string; duration: number; forcedStyleAndLayoutDuration: number }>;
        };
        const longFrames: LongFrameEntry[] = [];
        const keep = (list: PerformanceEntry[]) => {
          for (const e of list as Loaf[]) {
            const end = e.startTime + e.duration;
            longFrames.push({
              startTime: e.startTime,
              duration: e.duration,
              blockingDuration: e.blockingDuration,
              beforeRender: (e.renderStart || end) - e.startTime,
              styleAndLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
              scripts: e.scripts.map((x) => ({
                invoker: x.invoker,
                invokerType: x.invokerType,
                duration: x.duration,
                forcedStyleAndLayoutDuration: x.forcedStyleAndLayoutDuration,
              })),
            });
          }
        };
        const observer = new PerformanceObserver((list) => keep(list.getEntries()));
        observer.observe({ type: 'long-animation-frame', buffered: false });
        const frames: number[] = [];
        const times: number[] = [];
        let last = -1;
        const start = performance.now();
        let lastMoved = start;
        const firstShown = () => {
          for (const el of viewport.querySelectorAll('[role="listitem"]')) if (el.textContent?.includes(firstText)) return true;
          return false;
        };
        const finish = (reachedStart: boolean, t: number) => {
          // Entries of the last frames are delivered a little later.
          setTimeout(() => {
            keep(observer.takeRecords());
            observer.disconnect();
            resolve({ frames, times, longFrames, workerLog: workerLog.slice(logFrom), reachedStart, seconds: (t - start) / 1000, stillMs: t - lastMoved });
          }, 200);
        };
        const frame = (t: number) => {
          if (last >= 0) frames.push(t - last);
          times.push(t);
          last = t;
          const before = viewport.scrollTop;
          viewport.scrollTop -= step;
          if (viewport.scrollTop !== before) lastMoved = t;
          const reachedStart = viewport.scrollTop === 0 && firstShown();
          if (reachedStart || t - start > limitMs) finish(reachedStart, t);
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    { step: SCROLL_STEP_PX, limitMs: SCROLL_LIMIT_MS, firstText: 'Message 00001 ' },
  );
}

async function main(): Promise<void> {
  console.log(`bench:ui — ${MESSAGES} messages; ${new Date().toISOString()}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startServerProcess({ env: { WEB_ROOT: path.join(REPO_ROOT, 'dist/web'), SENDS_PER_MINUTE: '0' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    console.log(`server ${server.url}; seeding (RSA-4096 sign + 2 × encrypt per message, ${SEND_CONCURRENCY} at a time)…`);
    const seedStart = performance.now();
    const names = await seed(server.url);
    console.log(`seeded ${MESSAGES} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1200, height: 800 } });
    // tsx compiles this file with esbuild's keepNames, which wraps inner functions of the page.evaluate
    // callbacks in a `__name(...)` helper that only exists in Node; give the page a no-op one.
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    await context.addInitScript(WORKER_LOG_SCRIPT);
    const page = await context.newPage();
    console.log(`browser: Chromium ${browser.version()}, viewport 1200×800`);
    const openTimes: number[] = [];
    for (let run = 0; run < OPEN_RUNS; run++) {
      // A fresh page each run: nothing decrypted or cached yet.
      await signIn(page, names.bob);
      openTimes.push(await timeToNewest(page, messageText(MESSAGES).split('\n')[0]!.split(':')[0]!));
    }
    const open = stats(openTimes);
    console.log(
      `open conversation → newest messages visible (verified): median ${open.median.toFixed(0)} ms, max ${open.max.toFixed(0)} ms ` +
        `over ${OPEN_RUNS} cold runs [${openTimes.map((t) => t.toFixed(0)).join(', ')}] (goal < 300 ms)`,
    );

    let reads = 0;
    page.on('request', (request) => {
      if (/\/messages\/[0-9a-f-]{36}$/.test(new URL(request.url()).pathname)) reads++;
    });
    const cpuBefore = threadCpu();
    const scroll = await fastScroll(page);
    const cpuAfter = threadCpu();
    const frames = stats(scroll.frames);
    const over50 = scroll.frames.filter((f) => f > 50).length;
    console.log(
      `fast scroll (${SCROLL_STEP_PX} px per frame) through the conversation: ${scroll.reachedStart ? 'reached the first message' : 'did NOT reach the first message'} ` +
        `in ${scroll.seconds.toFixed(1)} s, ${scroll.frames.length} frames`,
    );
    console.log(
      `frame intervals: median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, p99 ${frames.p99.toFixed(1)} ms, ` +
        `max ${frames.max.toFixed(1)} ms; ${scroll.frames.filter((f) => f > 20).length} over 20 ms (a frame missed), ${over50} over 50 ms (goal: none)`,
    );
    console.log(`messages fetched to decrypt during the scroll: ${reads} of ${MESSAGES}`);
    if (scroll.reachedStart) {
      // The scroll ends only once the first message is shown with its text (placeholders have none).
      console.log(`top reached → first message shown decrypted: ${scroll.stillMs.toFixed(0)} ms after the last frame that moved the list`);
    }
    const answers = scroll.workerLog.map(([, kind]) => kind);
    console.log(
      `worker answers during the scroll: ${answers.filter((k) => k.startsWith('read')).length} decrypted batches, ` +
        `${answers.filter((k) => k.startsWith('page')).length} pages of headers`,
    );
    console.log(summarizeLongFrames(scroll.longFrames));
    for (const line of describeLongFrames(scroll)) console.log(line);
    console.log(describeCpu(cpuBefore, cpuAfter, scroll.seconds));
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
