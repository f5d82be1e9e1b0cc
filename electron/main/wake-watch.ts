// Main process, no Electron import: what wakes the live connection in the desktop app — the computer waking
// from sleep (or its screen unlocked), and the network coming back. Electron's net module has no event for
// the latter, only net.online, so it is looked at every few seconds and a change to online counts.
export interface WakeSources {
  /** Subscribes to the power monitor's wake-ups ('resume', 'unlock-screen'). */
  onWake(listener: () => void): void;
  /** net.online: false when the computer is surely offline. */
  isOnline(): boolean;
  /** Asks the live connection to try at once. */
  reconnect(): void;
  /** How often net.online is read (ms). */
  pollMs?: number;
}

export const NETWORK_POLL_MS = 3_000;

/** Starts watching; returns the function that stops the network poll. */
export function watchWake(sources: WakeSources): () => void {
  sources.onWake(() => sources.reconnect());
  let online = sources.isOnline();
  const timer = setInterval(() => {
    const now = sources.isOnline();
    if (now && !online) sources.reconnect();
    online = now;
  }, sources.pollMs ?? NETWORK_POLL_MS);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
