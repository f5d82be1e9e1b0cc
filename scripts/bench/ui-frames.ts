// bench:ui diagnostics: what the long frames of the fast scroll contained. Three sources, each cheap enough
// not to disturb what it measures: Chromium's long-animation-frame entries (main-thread work of every frame
// over 50 ms: scripts with their callers, forced layout, rendering), the times at which answers of the
// crypto worker reached the page, and the CPU time of every thread of the processes this bench started
// (/proc, Linux only), which shows who else wanted the two cores.
import { readdirSync, readFileSync } from 'node:fs';

/** Page init script: logs when each answer of a dedicated worker reaches the page, and what it was. */
export const WORKER_LOG_SCRIPT = `(() => {
  const log = (globalThis.__benchWorkerLog = []);
  const Base = globalThis.Worker;
  if (!Base) return;
  globalThis.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const m = event.data;
        let kind = m && m.type;
        if (m && m.type === 'result' && m.ok && Array.isArray(m.value)) kind = 'read ' + m.value.length;
        else if (m && m.type === 'result' && m.ok && m.value && Array.isArray(m.value.messages)) kind = 'page ' + m.value.messages.length;
        log.push([performance.now(), kind]);
      });
    }
  };
})();`;

export interface LongFrameScript {
  invoker: string;
  invokerType: string;
  duration: number;
  forcedStyleAndLayoutDuration: number;
}

export interface LongFrameEntry {
  startTime: number;
  duration: number;
  blockingDuration: number;
  /** From the frame's start to the start of its rendering (scripts and tasks before it). */
  beforeRender: number;
  /** Style and layout at the end of the frame. */
  styleAndLayout: number;
  scripts: LongFrameScript[];
}

export interface FrameRecord {
  /** rAF timestamps, one per frame. */
  times: number[];
  longFrames: LongFrameEntry[];
  workerLog: Array<[number, string]>;
}

const round = (ms: number) => ms.toFixed(0);

/** One line per frame interval over `limitMs`: the long-animation-frame entries and worker answers inside it. */
export function describeLongFrames(record: FrameRecord, limitMs = 50): string[] {
  const lines: string[] = [];
  const { times, longFrames, workerLog } = record;
  const start = times[0] ?? 0;
  for (let i = 1; i < times.length; i++) {
    const from = times[i - 1]!;
    const to = times[i]!;
    if (to - from <= limitMs) continue;
    const loafs = longFrames.filter((e) => e.startTime < to && e.startTime + e.duration > from);
    const answers = workerLog.filter(([t]) => t > from && t <= to).map(([, kind]) => kind);
    const loafText =
      loafs.length === 0
        ? 'no long animation frame (the main thread was not busy: it waited for a frame or a CPU)'
        : loafs
            .map((e) => {
              const scripts = e.scripts
                .filter((s) => s.duration >= 1)
                .map((s) => `${s.invokerType}:${s.invoker} ${round(s.duration)} ms${s.forcedStyleAndLayoutDuration >= 1 ? ` (forced layout ${round(s.forcedStyleAndLayoutDuration)})` : ''}`);
              return (
                `LoAF ${round(e.duration)} ms (blocking ${round(e.blockingDuration)}, before render ${round(e.beforeRender)}, ` +
                `style+layout ${round(e.styleAndLayout)}; scripts: ${scripts.length > 0 ? scripts.join(', ') : 'none over 1 ms'})`
              );
            })
            .join('; ');
    lines.push(
      `  frame ${i} at ${((from - start) / 1000).toFixed(2)} s: ${round(to - from)} ms — ${loafText}; ` +
        `worker answers in it: ${answers.length > 0 ? answers.join(', ') : 'none'}`,
    );
  }
  return lines;
}

/** Totals of main-thread script time in long animation frames, by caller. */
export function summarizeLongFrames(longFrames: readonly LongFrameEntry[]): string {
  const byInvoker = new Map<string, number>();
  for (const e of longFrames) for (const s of e.scripts) byInvoker.set(`${s.invokerType}:${s.invoker}`, (byInvoker.get(`${s.invokerType}:${s.invoker}`) ?? 0) + s.duration);
  const top = [...byInvoker].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${round(v)} ms`);
  return `${longFrames.length} long animation frames (main thread busy > 50 ms in one frame)${top.length > 0 ? `; their scripts: ${top.join(', ')}` : ''}`;
}

// ---- CPU per thread (Linux /proc) ----

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

function readStat(file: string): { comm: string; ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(file, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // Fields after comm: state(0) ppid(1) … utime(11) stime(12)
    return { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** Chromium's process type (renderer, gpu-process, utility…) from its command line, as ":type". */
function processType(pid: number): string {
  try {
    const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    return type ? `:${type[1]}` : '';
  } catch {
    return '';
  }
}

/** CPU milliseconds of every thread of `root` and its descendant processes, keyed "process/thread". */
export function threadCpu(root: number = process.pid): Map<string, number> {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(`/proc/${name}/stat`);
    if (stat) {
      parent.set(Number(name), stat.ppid);
      comm.set(Number(name), stat.comm);
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && p > 1 && depth < 20; p = parent.get(p), depth++) if (p === root) return true;
    return false;
  };
  const cpu = new Map<string, number>();
  for (const pid of parent.keys()) {
    if (!isOurs(pid)) continue;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    const processName = pid === root ? 'bench' : `${comm.get(pid) ?? pid}${processType(pid)}`;
    for (const tid of tasks) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      const key = `${processName}[${pid}]/${stat.comm}`;
      cpu.set(key, (cpu.get(key) ?? 0) + stat.ticks * CLOCK_TICK_MS);
    }
  }
  return cpu;
}

/** The threads that used the most CPU between two snapshots, as one line. */
export function describeCpu(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  const used = [...after].map(([key, ms]) => [key, ms - (before.get(key) ?? 0)] as const).filter(([, ms]) => ms > 0);
  const total = used.reduce((sum, [, ms]) => sum + ms, 0);
  const top = used.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key, ms]) => `${key.replace(/\[\d+\]/, '')} ${(ms / 1000).toFixed(1)} s`);
  return `CPU during the scroll: ${(total / 1000).toFixed(1)} s in ${seconds.toFixed(1)} s of wall time (2 cores = ${(2 * seconds).toFixed(1)} s); busiest threads: ${top.join(', ')}`;
}
