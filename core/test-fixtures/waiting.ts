// Test support: the one wait-until and the one "expect this promise to fail" of every test (core, server, CLI).
import { toChatErrorInfo } from '../api/errors.js';

export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return toChatErrorInfo(error);
  }
  throw new Error('expected a failure');
}

/**
 * Resolves once `check()` holds (a check may be async: a request, say); rejects after `timeoutMs` with "gave up
 * waiting for <what>". `what` may be a function so that the message can show what had arrived by then (a
 * child process's output, say).
 */
export function until(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = async () => {
      if (await check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`gave up waiting for ${typeof what === 'string' ? what : what()}`));
      setTimeout(() => void tick().catch(reject), 20);
    };
    void tick().catch(reject);
  });
}
