// Sender on its own, over a fake server API (messages to oneself, so no key lookups): one seal per id, the very
// same bytes on every retry, the retry delays, and the outbox after refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SendMessageRequest } from '../protocol/schemas.js';
import { failure } from '../test-fixtures/waiting.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { KeyDirectory } from './key-directory.js';
import { Listings } from './listings.js';
import { Sender } from './sender.js';
import type { Session } from './session.js';
import { fakeApi, on, sessionOn, type Answer, type FakeHttp, noKeyLog } from '../test-fixtures/client-doubles.js';
import { openRecord } from '../crypto/message-v2.js';
import { readContent } from '../protocol/content.js';

let keys: Awaited<ReturnType<typeof importedKeys>>;
beforeAll(async () => {
  keys = await importedKeys('alice');
});

const ack = (body: unknown, seq = 1): Answer => {
  const payload = body as SendMessageRequest;
  return { status: 201, data: { id: payload.id, seq, sender: 'alice_1', recipient: payload.recipient, timestamp: '2026-12-01T10:00:00.000Z' } };
};

async function sender(answers: Array<(body: unknown) => Answer>, retryDelaysMs = [1, 1]): Promise<{ http: FakeHttp; s: Session; send: Sender }> {
  let call = 0;
  const { http, api } = fakeApi(on('POST', '/messages', (request) => answers[Math.min(call++, answers.length - 1)]!(request.options.body)));
  const s = await sessionOn('alice_1', keys);
  const session = () => s;
  const keyDirectory = new KeyDirectory(api, noKeyLog(), session, () => undefined);
  const listings = new Listings(api, session);
  const groupRecipients = async () => ['bob_1'];
  return { http, s, send: new Sender({ api, keys: keyDirectory, listings, session, groupRecipients, retryDelaysMs }) };
}

const down = (): Answer => ({ status: 503 });
const id = '00000000-0000-4000-8000-0000000000aa';

describe('Sender', () => {
  it('sends format 2: the text in a content object with the sender\'s clock, under the v2 header', async () => {
    const { http, send } = await sender([ack]);
    const before = new Date().toISOString();
    await send.send('alice_1', { type: 'text', text: 'in format 2' }, id);
    const body = http.requests[0]!.options.body as SendMessageRequest & { format?: number };
    expect(body.format).toBe(2);
    const opened = await openRecord({ ...body, sender: 'alice_1' }, 'alice_1', keys.privateKey);
    expect(opened).toMatchObject({ ok: true, format: 2 });
    const content = opened.ok ? readContent(opened.text, 'direct') : null;
    expect(content).toMatchObject({ kind: 'known', content: { type: 'text', text: 'in format 2' } });
    const sentAt = content?.kind === 'known' ? content.content.sentAt : '';
    expect(sentAt >= before && sentAt <= new Date().toISOString()).toBe(true);
    // Relabelled format 1 by a server, it no longer opens.
    expect(await openRecord({ ...body, sender: 'alice_1', format: 1 }, 'alice_1', keys.privateKey)).toMatchObject({ ok: false, code: 'decrypt_failed' });
  });

  it('refuses a text that would not fit the server\'s request limit once sealed', async () => {
    const { http, send } = await sender([ack]);
    // 60,000 control characters: under the text limit, but six bytes each once escaped in JSON.
    expect((await failure(send.send('alice_1', { type: 'text', text: '\u0001'.repeat(60_000) }, id))).message).toMatch(/too long to send/);
    expect(http.requests).toHaveLength(0);
  });

  it('retries after a 5xx with the identical bytes, then leaves the outbox empty', async () => {
    const { http, send } = await sender([down, down, ack]);
    const { view } = await send.send('alice_1', { type: 'text', text: 'hello' }, id);
    expect(view).toMatchObject({ id, text: 'hello', status: 'verified', outgoing: true });
    const bodies = http.requests.map((r) => JSON.stringify(r.options.body));
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(await send.pending()).toEqual([]);
  });

  it('gives up after the last retry delay, keeps the message, and sends the same bytes later', async () => {
    const { http, send } = await sender([down, down, down, ack], [1]);
    expect((await failure(send.send('alice_1', { type: 'text', text: 'kept' }, id))).code).toBe('server_error');
    expect(http.requests).toHaveLength(2);
    expect(await send.pending()).toEqual([id]);
    expect((await failure(send.send('alice_1', { type: 'text', text: 'another text' }, id))).message).toBe('This message id was already used for a different message.');
    expect((await send.resendPending()).sent.map((h) => h.id)).toEqual([id]);
    expect(new Set(http.requests.map((r) => JSON.stringify(r.options.body))).size).toBe(1);
    expect(await send.pending()).toEqual([]);
  });

  it('drops a message the server refuses for good, and reports it from resendPending', async () => {
    const { send } = await sender([down, () => ({ status: 409 })], []);
    await failure(send.send('alice_1', { type: 'text', text: 'x' }, id));
    expect(await send.resendPending()).toEqual({ sent: [], refused: [{ id, conversation: 'alice_1', reason: 'A different message with this id is already on the server.' }] });
    expect(await send.pending()).toEqual([]);
  });

  it('does not retry a refusal', async () => {
    const { http, send } = await sender([() => ({ status: 403 })]);
    expect((await failure(send.send('alice_1', { type: 'text', text: 'x' }, id))).code).toBe('forbidden');
    expect(http.requests).toHaveLength(1);
    expect(await send.pending()).toEqual([]);
  });
});
