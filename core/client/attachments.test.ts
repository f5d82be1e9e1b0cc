// The client's files against the real server (its attachment routes, or — while a server has none — the
// proxy playing them): sent, read back verified, progress and cancel, a digest the server got wrong, a
// tampered download, a file too large, in Node's streams and in the browser's form (a gathered Blob).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, TransferEvent } from '../api/view.js';
import { CHUNK_BYTES, CHUNK_OVERHEAD } from '../crypto/attachment-crypto.js';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.js';
import { registerFixture } from '../test-fixtures/accounts.js';
import { AttachmentProxy } from '../test-fixtures/attachment-proxy.js';
import { ChatClient } from './chat-client.js';
import type { Transport } from './http-api.js';
import { MemoryStore } from './store.js';

const PASSWORD = 'a fine password 1';
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const NODE: Transport = {
  streamAdapter: 'http',
  uploadBody: (body) => Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
  sha512: () => createHash('sha512'),
};
const bytes = (n: number) => new Uint8Array(randomBytes(n));

let server: ServerProcess;
let proxy: AttachmentProxy;
let run = 0;

beforeAll(async () => {
  server = await startServerProcess();
  proxy = new AttachmentProxy(server.url, !(await AttachmentProxy.serverHasAttachments(server.url)));
  await proxy.start();
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

async function pair(transport: Transport = NODE) {
  run++;
  const [a, b] = [`alice_f${run}`, `bob_f${run}`];
  await Promise.all([registerFixture(server.url, 'alice', a, PASSWORD), registerFixture(server.url, 'bob', b, PASSWORD)]);
  const signIn = async (username: string) => {
    const client = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore(), retryDelaysMs: [10], transport });
    const events: ChatEvent[] = [];
    client.onEvent((e) => events.push(e));
    await client.login({ username, password: PASSWORD });
    return { client, events, username };
  };
  return { alice: await signIn(a), bob: await signIn(b) };
}

const transfers = (events: ChatEvent[], id: string) => events.filter((e): e is TransferEvent => e.type === 'transfer' && e.transfer === id);

describe('files between two people', () => {
  it('sends two files in one message and the recipient reads each back, verified, in Node streams', async () => {
    const { alice, bob } = await pair();
    const big = bytes(3 * CHUNK_BYTES + 5);
    const small = bytes(1000);
    proxy.tamperDownload = null;
    proxy.tamperUpload = null;
    const sent = await alice.client.sendFiles({
      to: bob.username,
      files: [
        { name: 'data.bin', mime: 'application/octet-stream', bytes: big },
        { name: 'dir/photo.png', mime: 'image/png', bytes: small, image: { width: 2, height: 3, thumbnail: PNG_1X1 } },
      ],
      text: 'two files',
      transfer: 'up-1',
    });
    expect(sent).toMatchObject({ status: 'verified', text: 'two files', outgoing: true });
    expect(sent.files).toEqual([
      { index: 0, name: 'data.bin', mime: 'application/octet-stream', size: big.length },
      { index: 1, name: 'photo.png', mime: 'image/png', size: 1000, image: { width: 2, height: 3, thumbnail: `data:image/png;base64,${PNG_1X1}` } },
    ]);
    const up = transfers(alice.events, 'up-1');
    const total = big.length + 4 * CHUNK_OVERHEAD + small.length + CHUNK_OVERHEAD;
    expect(up.at(-1)).toEqual({ type: 'transfer', transfer: 'up-1', done: total, total, state: 'done' });
    expect(up.some((e) => e.state === 'running' && e.done > 0 && e.done < total)).toBe(true);

    const [seen] = await bob.client.readMessages([sent.id]);
    expect(seen).toMatchObject({ status: 'verified', text: 'two files', files: sent.files });
    const chunks: number[] = [];
    const parts: Uint8Array[] = [];
    const view = await bob.client.receiveFile({ conversation: alice.username, messageId: sent.id, index: 0, transfer: 'down-1' }, {
      write: async (chunk) => {
        chunks.push(chunk.length);
        parts.push(chunk);
      },
    });
    expect(view).toEqual(sent.files![0]);
    expect(Buffer.concat(parts).equals(Buffer.from(big))).toBe(true);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(transfers(bob.events, 'down-1').at(-1)).toMatchObject({ state: 'done', done: big.length + 4 * CHUNK_OVERHEAD });
    expect(Buffer.from(await bob.client.fileBytes({ conversation: alice.username, messageId: sent.id, index: 1, transfer: 'down-2' })).equals(Buffer.from(small))).toBe(true);
    // The sender reads its own file back too.
    expect((await alice.client.fileBytes({ conversation: bob.username, messageId: sent.id, index: 1, transfer: 'own' })).length).toBe(1000);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('works the same in the browser’s form: the blob gathered before it is posted, the pure-JS SHA-512', async () => {
    const { alice, bob } = await pair({ streamAdapter: 'fetch' });
    const file = bytes(CHUNK_BYTES + 1);
    const sent = await alice.client.sendFiles({ to: bob.username, files: [{ name: 'x.bin', mime: 'application/octet-stream', bytes: file }], transfer: 'browser' });
    const back = await bob.client.fileBytes({ conversation: alice.username, messageId: sent.id, index: 0, transfer: 'b' });
    expect(Buffer.from(back).equals(Buffer.from(file))).toBe(true);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('refuses a tampered download with the reason, and nothing reaches the caller as verified', async () => {
    const { alice, bob } = await pair();
    const sent = await alice.client.sendFiles({ to: bob.username, files: [{ name: 'a.bin', mime: 'application/octet-stream', bytes: bytes(2 * CHUNK_BYTES) }], transfer: 't' });
    const ref = { conversation: alice.username, messageId: sent.id, index: 0, transfer: 'tampered' };
    try {
      proxy.tamperDownload = (blob) => {
        const copy = Buffer.from(blob);
        copy[CHUNK_BYTES + CHUNK_OVERHEAD + 100]! ^= 1;
        return copy;
      };
      await expect(bob.client.fileBytes(ref)).rejects.toMatchObject({ info: { code: 'file_failed', message: expect.stringMatching(/^a\.bin did not verify: Part 2 of 2 .* It was not saved\.$/) } });
      expect(transfers(bob.events, 'tampered').at(-1)).toMatchObject({ state: 'failed', error: expect.stringMatching(/did not verify/) });
      proxy.tamperDownload = (blob) => blob.subarray(0, CHUNK_BYTES + CHUNK_OVERHEAD);
      await expect(bob.client.fileBytes({ ...ref, transfer: 'cut' })).rejects.toMatchObject({ info: { code: 'file_failed', message: expect.stringMatching(/did not verify: the server sent 65564 bytes/) } });
    } finally {
      proxy.tamperDownload = null;
    }
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('treats an answered digest that is not the blob’s as a failed upload, and sends no message', async () => {
    const { alice, bob } = await pair();
    proxy.tamperUpload = (answer) => ({ ...answer, digest: randomBytes(64).toString('base64') });
    try {
      await expect(alice.client.sendFiles({ to: bob.username, files: [{ name: 'a.txt', mime: 'text/plain', bytes: bytes(10) }], transfer: 'digest' })).rejects.toMatchObject({
        info: { code: 'server_error', message: 'The upload of a.txt failed: the server did not store the bytes that were sent. Try again.' },
      });
    } finally {
      proxy.tamperUpload = null;
    }
    expect(await bob.client.recentMessages({ conversation: alice.username })).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('cancels an upload under way with cancelled', async () => {
    const { alice, bob } = await pair();
    let cancelledAt = 0;
    alice.client.onEvent((e) => {
      if (e.type === 'transfer' && e.state === 'running' && e.done > 0 && cancelledAt === 0) {
        cancelledAt = e.done;
        void alice.client.cancelTransfer('big');
      }
    });
    await expect(alice.client.sendFiles({ to: bob.username, files: [{ name: 'big.bin', mime: 'application/octet-stream', bytes: bytes(20 * CHUNK_BYTES) }], transfer: 'big' })).rejects.toMatchObject({
      info: { code: 'cancelled' },
    });
    expect(transfers(alice.events, 'big').at(-1)).toMatchObject({ state: 'cancelled' });
    expect(await bob.client.recentMessages({ conversation: alice.username })).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('says a file is too large for the server in a sentence (413), though the server stops the upload at once', async () => {
    // A server of its own, with a limit of 1 KiB (the fake proxy plays the same limit when the server has no routes).
    const small = proxy.fake ? null : await startServerProcess({ env: { ATTACHMENT_LIMIT: '1kb' } });
    const front = small ? new AttachmentProxy(small.url, false) : proxy;
    if (small) await front.start();
    proxy.fakeLimit = 1024;
    try {
      const url = small ? small.url : server.url;
      await Promise.all([registerFixture(url, 'alice', 'alice_big', PASSWORD), registerFixture(url, 'bob', 'bob_big', PASSWORD)]);
      const client = new ChatClient({ serverUrl: front.url, store: new MemoryStore(), retryDelaysMs: [10], transport: NODE });
      await client.login({ username: 'alice_big', password: PASSWORD });
      for (const size of [5000, 3 * 1024 * 1024]) {
        await expect(client.sendFiles({ to: 'bob_big', files: [{ name: 'huge.bin', mime: 'application/octet-stream', bytes: bytes(size) }], transfer: `huge-${size}` })).rejects.toMatchObject({
          info: { code: 'too_large', message: `huge.bin (${size === 5000 ? '4.9 KiB' : '3 MiB'}) is larger than this server takes.` },
        });
      }
      await client.close();
    } finally {
      proxy.fakeLimit = Number.POSITIVE_INFINITY;
      if (small) {
        await front.stop();
        await small.stop();
      }
    }
  }, 60_000);

  it('sends files to a group, whose members read them', async () => {
    const { alice, bob } = await pair();
    const group = await alice.client.createGroup({ name: 'files', members: [bob.username] });
    const file = bytes(70_000);
    const sent = await alice.client.sendFiles({ to: group.conversation, files: [{ name: 'g.bin', mime: 'application/octet-stream', bytes: file }], transfer: 'group' });
    expect(sent).toMatchObject({ group: group.id, status: 'verified', files: [{ index: 0, name: 'g.bin', size: 70_000 }] });
    await bob.client.groups();
    const [seen] = await bob.client.readMessages([sent.id]);
    expect(seen).toMatchObject({ status: 'verified', files: sent.files });
    expect(Buffer.from(await bob.client.fileBytes({ conversation: group.conversation, messageId: sent.id, index: 0, transfer: 'g' })).equals(Buffer.from(file))).toBe(true);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('refuses a message or index that holds no file', async () => {
    const { alice, bob } = await pair();
    const text = await alice.client.send({ conversation: bob.username, text: 'no file', id: alice.client.newMessageId() });
    await expect(bob.client.fileBytes({ conversation: alice.username, messageId: text.id, index: 0, transfer: 'x' })).rejects.toMatchObject({ info: { code: 'invalid_input', message: 'This message holds no file.' } });
    await expect(bob.client.fileBytes({ conversation: 'someone', messageId: text.id, index: 0, transfer: 'x' })).rejects.toMatchObject({ info: { code: 'not_found' } });
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
