// Bench side (loaded into the server's own process by `npm run bench:live` with `node --expose-gc --import`):
// answers {memory} over the IPC channel when asked, after a full garbage collection, so the bench can
// divide the heap by the open streams. Nothing else: the server runs unchanged.
if (process.send) {
  process.on('message', (message) => {
    if (message !== 'memory') return;
    globalThis.gc?.();
    process.send({ memory: process.memoryUsage() });
  });
  // The channel must not keep a server that was told to stop alive.
  process.channel?.unref();
}
