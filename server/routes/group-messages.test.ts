// Group messages (PROTOCOL.md "Groups", "A group message is sent by…") and format 2 direct messages:
// what is stored, what each reader is handed, members_changed, safe retries, the group filter and events.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyMessageRecordSchema, directHeaderSchema, groupHeaderSchema } from '../../core/protocol/schemas-v2.js';
import { b64, call, groupOutgoing, outgoing, register, SseReader, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
const u: Record<string, TestUser> = {};

beforeAll(async () => {
  server = await startTestServer({ sendsPerMinute: 0 });
  url = server.url;
  for (const name of ['alice', 'bob', 'carol', 'dave']) u[name] = await register(url, name);
});
afterAll(() => server.close());

const send = (who: string, body: object) => call(url, 'POST', '/messages', { token: u[who]!.token, body });
const read = (who: string, id: string) => call(url, 'GET', `/messages/${id}`, { token: u[who]!.token });
const list = (who: string, query = '') => call(url, 'GET', `/messages${query}`, { token: u[who]!.token });

async function group(owner: string, members: string[]): Promise<string> {
  const reply = await call(url, 'POST', '/groups', { token: u[owner]!.token, body: { id: randomUUID(), members } });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

describe('group messages', () => {
  it('stores one: 201 with group and sorted recipients, and hands each reader only its own key', async () => {
    const id = await group('alice', ['carol', 'bob']);
    const message = groupOutgoing(id, ['carol', 'bob']);
    const reply = await send('alice', message);
    expect(reply.status).toBe(201);
    const header = groupHeaderSchema.strict().parse(reply.body);
    expect(Object.keys(reply.body)).toEqual(['id', 'sender', 'group', 'recipients', 'format', 'timestamp', 'seq']);
    expect(header).toMatchObject({ id: message.id, sender: 'alice', group: id, recipients: ['bob', 'carol'], format: 2 });
    const common = { ...header, senderSessionKey: message.senderSessionKey, body: message.body, signature: message.signature };
    for (const reader of ['bob', 'carol']) {
      const record = await read(reader, message.id);
      expect(record.status).toBe(200);
      expect(anyMessageRecordSchema.parse(record.body)).toEqual({ ...common, sessionKey: message.keys[reader] });
      expect(record.text).not.toContain('keys');
    }
    const own = await read('alice', message.id);
    expect(own.body).toEqual(common);
    expect((await read('dave', message.id)).status).toBe(404);
    for (const reader of ['alice', 'bob', 'carol']) {
      const full = await list(reader, `?full=1&group=${id}`);
      expect(full.body.messages).toEqual([(await read(reader, message.id)).body]);
      expect(full.text).not.toContain('keys');
    }
  });

  it('answers 409 members_changed unless keys name exactly the current members but the sender', async () => {
    const id = await group('alice', ['bob', 'carol']);
    for (const names of [['bob'], ['bob', 'carol', 'dave'], ['alice', 'bob', 'carol'], ['bob', 'dave']]) {
      const reply = await send('alice', groupOutgoing(id, names));
      expect(reply.status, names.join()).toBe(409);
      expect(reply.body.error.code).toBe('members_changed');
      expect(reply.body.error.message).toMatch(/current members/);
    }
    expect((await send('alice', groupOutgoing(id, ['bob', 'carol']))).status).toBe(201);
    expect((await call(url, 'POST', `/groups/${id}/members`, { token: u.bob!.token, body: { add: ['dave'] } })).status).toBe(200);
    expect((await send('alice', groupOutgoing(id, ['bob', 'carol']))).body.error.code).toBe('members_changed');
    expect((await send('alice', groupOutgoing(id, ['bob', 'carol', 'dave']))).status).toBe(201);
  });

  it('answers an identical retry 200 with the stored record, even after the membership changed; anything else with that id 409', async () => {
    const id = await group('bob', ['alice']);
    const message = groupOutgoing(id, ['alice']);
    const first = await send('bob', message);
    expect(first.status).toBe(201);
    expect((await call(url, 'POST', `/groups/${id}/members`, { token: u.alice!.token, body: { add: ['carol'] } })).status).toBe(200);
    const again = await send('bob', message);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, senderSessionKey: message.senderSessionKey, body: message.body, signature: message.signature });
    for (const changed of [
      { ...message, body: b64(80) },
      { ...message, keys: { alice: b64(512) } },
      { ...message, keys: { ...message.keys, carol: b64(512) } },
      { ...message, group: randomUUID() },
      outgoing('alice', message.id),
    ]) {
      const reply = await send('bob', changed);
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('conflict');
    }
    expect((await send('alice', message)).status).toBe(409);
    expect((await list('alice', `?group=${id}`)).body.messages).toHaveLength(1);
  });

  it('refuses with 400 a group message in another format, with v1 fields or attachments, or to a group with nobody else; 404 for a non-member', async () => {
    const id = await group('carol', ['dave']);
    const message = groupOutgoing(id, ['dave']);
    const cases: [object, string][] = [
      [{ ...message, format: 1 }, 'request body: format: must be 2: group messages are format 2'],
      [{ ...message, format: undefined }, 'request body: format: must be 2: group messages are format 2'],
      [{ ...message, recipient: 'dave' }, 'request body: unknown field: recipient'],
      [{ ...message, sessionKey: b64(512) }, 'request body: unknown field: sessionKey'],
      [{ ...message, keys: {} }, 'request body: keys: must hold a key for at least one other member'],
      [{ ...message, keys: { dave: b64(511) } }, 'request body: keys.0.1: must decode to exactly 512 bytes'],
      [{ ...message, keys: ['dave'] }, 'request body: keys: must be an object of username: wrapped key'],
      [{ ...message, attachments: ['0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'] }, 'request body: attachments: there is no attachment 0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d (never uploaded, or deleted)'],
      [{ ...outgoing('dave'), format: 3 }, 'request body: format: must be 1 or 2'],
    ];
    for (const [body, text] of cases) {
      const reply = await send('carol', body);
      expect(reply.status, text).toBe(400);
      expect(reply.body.error).toEqual({ code: 'invalid_request', message: text });
    }
    expect((await send('alice', groupOutgoing(id, ['carol', 'dave']))).status).toBe(404);
    expect((await send('carol', groupOutgoing(randomUUID(), ['dave']))).status).toBe(404);
    expect((await call(url, 'POST', `/groups/${id}/members`, { token: u.dave!.token, body: { remove: ['dave'] } })).status).toBe(200);
    const alone = await send('carol', groupOutgoing(id, ['dave']));
    expect(alone.status).toBe(400);
    expect(alone.body.error.message).toBe('request body: group: you are its only member, so there is nobody to send to');
  });

  it('orders a membership change between group messages sent at the same time: each is stored for the members of its moment', async () => {
    const id = await group('bob', ['alice']);
    const sends = Array.from({ length: 20 }, () => send('bob', groupOutgoing(id, ['alice'])));
    const added = call(url, 'POST', `/groups/${id}/members`, { token: u.alice!.token, body: { add: ['carol'] } });
    const replies = await Promise.all(sends);
    expect((await added).status).toBe(200);
    const later = await Promise.all(Array.from({ length: 5 }, () => send('bob', groupOutgoing(id, ['alice', 'carol']))));
    for (const reply of replies) expect([201, 409]).toContain(reply.status);
    const stored = replies.filter((r) => r.status === 201).map((r) => r.body.seq as number);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.error.code === 'members_changed')).toBe(true);
    expect(later.every((r) => r.status === 201 && r.body.recipients.join() === 'alice,carol')).toBe(true);
    expect(Math.max(...stored)).toBeLessThan(Math.min(...later.map((r) => r.body.seq as number)));
    const carolSees = (await list('carol', `?group=${id}`)).body.messages.map((m: { seq: number }) => m.seq);
    expect(carolSees).toEqual(later.map((r) => r.body.seq as number).sort((a, b) => a - b));
  });

  it('keeps a member named __proto__ (a valid username) in keys like any other', async () => {
    const proto = await register(url, '__proto__');
    const id = await group('alice', ['__proto__']);
    const message = groupOutgoing(id, ['__proto__']);
    expect(Object.keys(message.keys)).toEqual(['__proto__']);
    expect((await send('alice', message)).status).toBe(201);
    expect((await send('alice', message)).status).toBe(200);
    const record = await call(url, 'GET', `/messages/${message.id}`, { token: proto.token });
    expect(record.body).toMatchObject({ recipients: ['__proto__'], sessionKey: message.keys.__proto__ });
    expect((await send('alice', { ...groupOutgoing(id, ['__proto__']), keys: { bob: message.keys.__proto__ } })).body.error.code).toBe('members_changed');
  });

  it('delivers to the members of the moment: a later member reads only what follows, a removed one keeps what came before', async () => {
    const id = await group('alice', ['bob']);
    const before = groupOutgoing(id, ['bob']);
    expect((await send('alice', before)).status).toBe(201);
    expect((await call(url, 'POST', `/groups/${id}/members`, { token: u.alice!.token, body: { add: ['carol'], remove: ['bob'] } })).status).toBe(200);
    const after = groupOutgoing(id, ['carol']);
    expect((await send('alice', after)).status).toBe(201);
    expect((await list('bob', `?group=${id}`)).body.messages.map((m: { id: string }) => m.id)).toEqual([before.id]);
    expect((await list('carol', `?group=${id}`)).body.messages.map((m: { id: string }) => m.id)).toEqual([after.id]);
    expect((await read('carol', before.id)).status).toBe(404);
    expect((await read('bob', before.id)).status).toBe(200);
  });

  it('filters by group; peer, sender and recipient keep meaning direct messages', async () => {
    const first = await group('dave', ['bob']);
    const second = await group('dave', ['bob']);
    const g1 = groupOutgoing(first, ['bob']);
    const g2 = groupOutgoing(second, ['bob']);
    const direct = outgoing('bob');
    const seqs: number[] = [];
    for (const body of [g1, direct, g2]) {
      const reply = await send('dave', body);
      expect(reply.status).toBe(201);
      seqs.push(reply.body.seq);
    }
    const ids = async (query: string) => (await list('dave', query)).body.messages.map((m: { id: string }) => m.id);
    expect(await ids(`?group=${first}`)).toEqual([g1.id]);
    expect(await ids(`?group=${second}&sender=dave`)).toEqual([g2.id]);
    expect(await ids(`?group=${second}&sender=bob`)).toEqual([]);
    expect(await ids('?peer=bob')).toEqual([direct.id]);
    expect(await ids('?sender=dave')).toEqual([direct.id]);
    expect(await ids('?recipient=bob')).toEqual([direct.id]);
    expect(await ids(`?after=${seqs[0]! - 1}`)).toEqual([g1.id, direct.id, g2.id]);
    const items = (await list('bob', '?sender=dave')).body.messages;
    expect(items.map((m: { id: string }) => m.id)).toEqual([direct.id]);
    const all = (await list('bob', '?order=desc&limit=3')).body.messages;
    expect(groupHeaderSchema.strict().parse(all[0])).toMatchObject({ group: second, recipients: ['bob'] });
    expect(directHeaderSchema.strict().parse(all[1])).toMatchObject({ recipient: 'bob', format: 1 });
    const mixed = await list('dave', `?group=${first}&peer=bob`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toBe('query: group cannot be combined with peer or recipient, which select direct messages');
    expect((await list('dave', '?group=nope')).status).toBe(400);
  });

  it('sends an event with group and recipients to the stream of the sender and of every recipient, and to nobody else', async () => {
    const id = await group('carol', ['alice', 'bob']);
    const streams = Object.fromEntries(['alice', 'bob', 'carol', 'dave'].map((name) => [name, new SseReader()]));
    try {
      for (const [name, stream] of Object.entries(streams)) {
        await stream.open(`${url}/events`, { authorization: `Bearer ${u[name]!.token}` });
        await stream.until(() => stream.comments.includes('connected'), 'connected');
      }
      const message = groupOutgoing(id, ['alice', 'bob']);
      const header = (await send('carol', message)).body;
      const marker = outgoing('carol');
      await send('dave', marker);
      for (const name of ['alice', 'bob', 'carol']) {
        const stream = streams[name]!;
        await stream.until(() => stream.events.length > 0, `${name}'s event`);
        expect(stream.events[0]).toEqual({ id: String(header.seq), event: 'message', data: JSON.stringify(header) });
      }
      const dave = streams.dave!;
      await dave.until(() => dave.events.length > 0, "dave's own message");
      expect(dave.events.map((e) => JSON.parse(e.data!).id)).toEqual([marker.id]);
    } finally {
      for (const stream of Object.values(streams)) stream.close();
    }
  });
});

describe('format 2 direct messages', () => {
  it('stores format and echoes it in the answer, the record, list items and events; a retry in another format is 409', async () => {
    const stream = new SseReader();
    await stream.open(`${url}/events`, { authorization: `Bearer ${u.bob!.token}` });
    try {
      await stream.until(() => stream.comments.includes('connected'), 'connected');
      const message = { ...outgoing('bob'), format: 2 };
      const reply = await send('alice', message);
      expect(reply.status).toBe(201);
      expect(Object.keys(reply.body)).toEqual(['id', 'sender', 'recipient', 'format', 'timestamp', 'seq']);
      expect(reply.body.format).toBe(2);
      expect((await read('bob', message.id)).body).toEqual({ ...reply.body, sessionKey: message.sessionKey, senderSessionKey: message.senderSessionKey, body: message.body, signature: message.signature });
      expect((await list('bob', `?after=${reply.body.seq - 1}&limit=1`)).body.messages).toEqual([reply.body]);
      await stream.until(() => stream.events.length > 0, 'the event');
      expect(JSON.parse(stream.events[0]!.data!)).toEqual(reply.body);
      expect((await send('alice', message)).status).toBe(200);
      expect((await send('alice', { ...message, format: 1 })).status).toBe(409);
      const v1 = outgoing('bob');
      expect((await send('alice', v1)).body.format).toBe(1);
      expect((await send('alice', { ...v1, format: 1 })).status).toBe(200);
      expect((await send('alice', { ...v1, format: 2 })).status).toBe(409);
    } finally {
      stream.close();
    }
  });
});
