// Test support: the one wait-until and the one "expect this promise to fail" of the core's client tests.
import { toChatErrorInfo } from '../api/errors.js';

export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return toChatErrorInfo(error);
  }
  throw new Error('expected a failure');
}

export function until(check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > 20_000) return reject(new Error(`gave up waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}
