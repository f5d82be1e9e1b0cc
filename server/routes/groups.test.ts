import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupSchema, groupsResponseSchema } from '../../core/protocol/schemas-v2.js';
import { call, register, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
const u: Record<string, TestUser> = {};

beforeAll(async () => {
  server = await startTestServer({ maxGroupMembers: 4 });
  url = server.url;
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) u[name] = await register(url, name);
});
afterAll(() => server.close());

const create = (who: string, members: string[], id: string = randomUUID()) => call(url, 'POST', '/groups', { token: u[who]!.token, body: { id, members } });
const change = (who: string, id: string, body: object) => call(url, 'POST', `/groups/${id}/members`, { token: u[who]!.token, body });
const get = (who: string, id: string) => call(url, 'GET', `/groups/${id}`, { token: u[who]!.token });

async function group(owner: string, members: string[]): Promise<string> {
  const reply = await create(owner, members);
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

describe('POST /groups', () => {
  it('creates a group with the creator as owner and member: 201, members sorted, version 1, a fresh token', async () => {
    const id = randomUUID();
    const before = Date.now();
    const reply = await create('carol', ['bob', 'alice'], id);
    expect(reply.status).toBe(201);
    expect(reply.headers.get('x-auth-token')).toMatch(/^v2\.carol\./);
    const g = groupSchema.strict().parse(reply.body);
    expect(g).toEqual({ id, members: ['alice', 'bob', 'carol'], owner: 'carol', createdAt: g.createdAt, version: 1 });
    expect(Date.parse(g.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Object.keys(reply.body)).toEqual(['id', 'members', 'owner', 'createdAt', 'version']);
    for (const member of ['alice', 'bob', 'carol']) expect((await get(member, id)).body).toEqual(g);
  });

  it('answers 409 for a taken id, 404 for an unknown member, and stores nothing then', async () => {
    const id = await group('alice', ['bob']);
    const taken = await create('carol', ['dave'], id);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toEqual({ code: 'conflict', message: `the group id ${id} is taken` });
    const fresh = randomUUID();
    const unknown = await create('alice', ['bob', 'nobody'], fresh);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('there is no user nobody');
    expect((await get('alice', fresh)).status).toBe(404);
    expect((await create('alice', ['bob'], fresh)).status).toBe(201);
  });

  it('answers 400 with a sentence for bad input and past MAX_GROUP_MEMBERS', async () => {
    const cases: [unknown, string][] = [
      [{ id: randomUUID(), members: [] }, 'request body: members: must name at least one other member'],
      [{ id: randomUUID(), members: ['bob', 'bob'] }, 'request body: members: must not name anyone twice'],
      [{ id: randomUUID(), members: ['alice', 'bob'] }, 'request body: members: must name the others only; you are added as the owner'],
      [{ id: 'not-a-uuid', members: ['bob'] }, 'request body: id: must be a lowercase UUID version 4'],
      [{ id: randomUUID(), members: ['Bob'] }, 'request body: members.0: must be 3 to 32 characters of a-z, 0-9 and _'],
      [{ id: randomUUID(), members: ['bob'], name: 'x' }, 'request body: unknown field: name'],
      [{ id: randomUUID() }, 'request body: members: is required'],
      [{ id: randomUUID(), members: ['bob', 'carol', 'dave', 'erin'] }, 'request body: members: this server allows at most 4 members, you included'],
    ];
    for (const [body, message] of cases) {
      const reply = await call(url, 'POST', '/groups', { token: u.alice!.token, body });
      expect(reply.status, message).toBe(400);
      expect(reply.body.error).toEqual({ code: 'invalid_request', message });
    }
    expect((await call(url, 'POST', '/groups?x=1', { token: u.alice!.token, body: { id: randomUUID(), members: ['bob'] } })).status).toBe(400);
    expect((await call(url, 'POST', '/groups', { body: { id: randomUUID(), members: ['bob'] } })).status).toBe(401);
    expect((await create('alice', ['bob', 'carol', 'dave'])).status).toBe(201);
  });

  it('refuses (403) to put in a group a user who blocks its creator', async () => {
    expect((await call(url, 'PUT', '/blocks/frank', { token: u.erin!.token })).status).toBe(204);
    try {
      const id = randomUUID();
      const reply = await create('frank', ['alice', 'erin'], id);
      expect(reply.status).toBe(403);
      expect(reply.body.error).toEqual({ code: 'forbidden', message: 'erin does not accept your messages' });
      expect((await get('frank', id)).status).toBe(404);
      // erin may still create a group with frank, and others may put them together.
      expect((await create('erin', ['frank'])).status).toBe(201);
      expect((await create('alice', ['erin', 'frank'])).status).toBe(201);
    } finally {
      await call(url, 'DELETE', '/blocks/frank', { token: u.erin!.token });
    }
  });
});

describe('GET /groups and GET /groups/{id}', () => {
  it('lists the groups the user is in, sorted by id, and hides the others (404)', async () => {
    const ids = [await group('dave', ['erin']), await group('erin', ['dave', 'frank']), await group('frank', ['carol'])];
    const reply = await call(url, 'GET', '/groups', { token: u.dave!.token });
    expect(reply.status).toBe(200);
    const { groups } = groupsResponseSchema.parse(reply.body);
    const mine = groups.map((g) => g.id);
    expect(mine).toEqual([...mine].sort());
    expect(mine).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    expect(mine).not.toContain(ids[2]);
    expect(groups.every((g) => g.members.includes('dave'))).toBe(true);
    const hidden = await get('dave', ids[2]!);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toEqual({ code: 'not_found', message: `there is no group ${ids[2]} of yours` });
    expect((await get('dave', randomUUID())).status).toBe(404);
    expect((await call(url, 'GET', '/groups/nope', { token: u.dave!.token })).status).toBe(400);
    expect((await call(url, 'GET', '/groups?limit=1', { token: u.dave!.token })).status).toBe(400);
  });
});

describe('POST /groups/{id}/members', () => {
  it('lets any member add, raising the version by one per change', async () => {
    const id = await group('alice', ['bob']);
    const reply = await change('bob', id, { add: ['carol'] });
    expect(reply.status).toBe(200);
    expect(groupSchema.strict().parse(reply.body)).toMatchObject({ members: ['alice', 'bob', 'carol'], owner: 'alice', version: 2 });
    expect((await change('carol', id, { add: ['dave'], remove: [] })).body).toMatchObject({ members: ['alice', 'bob', 'carol', 'dave'], version: 3 });
    expect((await get('dave', id)).body.version).toBe(3);
  });

  it('lets only the owner remove others (403 forbidden otherwise), and anyone leave', async () => {
    const id = await group('alice', ['bob', 'carol']);
    const refused = await change('bob', id, { remove: ['carol'] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: 'forbidden', message: "only the group's owner (alice) may remove other members" });
    expect((await change('bob', id, { remove: ['bob', 'carol'] })).status).toBe(403);
    expect((await change('bob', id, { remove: ['alice'] })).status).toBe(403);
    const left = await change('bob', id, { remove: ['bob'] });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ members: ['alice', 'carol'], version: 2 });
    expect((await get('bob', id)).status).toBe(404);
    expect((await change('bob', id, { add: ['bob'] })).status).toBe(404);
    expect((await change('alice', id, { remove: ['carol'] })).body).toMatchObject({ members: ['alice'], owner: 'alice', version: 3 });
  });

  it('takes `owner` only from an owner who leaves, naming someone who stays', async () => {
    const id = await group('alice', ['bob', 'carol']);
    const cases: [string, object, string][] = [
      ['alice', { add: ['dave'], owner: 'bob' }, 'request body: owner: may only be named by the owner when leaving the group'],
      ['bob', { remove: ['bob'], owner: 'carol' }, 'request body: owner: may only be named by the owner when leaving the group'],
      ['alice', { owner: 'bob' }, 'request body: must add or remove at least one member'],
      ['alice', { remove: ['alice'], owner: 'alice' }, 'request body: owner: must be a member who stays in the group'],
      ['alice', { remove: ['alice'], owner: 'dave' }, 'request body: owner: must be a member who stays in the group'],
    ];
    for (const [who, body, message] of cases) {
      const reply = await change(who, id, body);
      expect(reply.status, message).toBe(400);
      expect(reply.body.error).toEqual({ code: 'invalid_request', message });
    }
    const handed = await change('alice', id, { remove: ['alice'], owner: 'carol' });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ members: ['bob', 'carol'], owner: 'carol', version: 2 });
    expect((await change('carol', id, { remove: ['bob'] })).body).toMatchObject({ members: ['carol'], owner: 'carol' });
  });

  it('without `owner`, makes the member in the group longest the owner, ties by lowest username', async () => {
    const id = await group('erin', ['dave', 'carol']);
    expect((await change('carol', id, { add: ['bob'] })).status).toBe(200);
    // carol and dave joined with erin (version 1), bob later: carol wins the tie by name.
    expect((await change('erin', id, { remove: ['erin'] })).body).toMatchObject({ members: ['bob', 'carol', 'dave'], owner: 'carol', version: 3 });
    // dave joined before bob; bob's name is lower but bob came later.
    expect((await change('carol', id, { remove: ['carol'] })).body).toMatchObject({ members: ['bob', 'dave'], owner: 'dave' });
    // A member added in the same change as the owner leaves comes last.
    expect((await change('dave', id, { remove: ['dave', 'bob'], add: ['alice'] })).body).toMatchObject({ members: ['alice'], owner: 'alice' });
  });

  it('refuses bad changes: 400 for names that are or are not members, past MAX_GROUP_MEMBERS, bad bodies; 404 for an unknown user', async () => {
    const id = await group('alice', ['bob']);
    const cases: [object, string][] = [
      [{}, 'request body: must add or remove at least one member'],
      [{ add: [], remove: [] }, 'request body: must add or remove at least one member'],
      [{ add: ['bob'] }, 'request body: add: already a member: bob'],
      [{ remove: ['carol'] }, 'request body: remove: not a member: carol'],
      [{ add: ['carol'], remove: ['carol'] }, 'request body: cannot add and remove the same user: carol'],
      [{ add: ['carol', 'dave', 'erin'] }, 'request body: the group would have 5 members; this server allows at most 4'],
      [{ add: ['carol', 'carol'] }, 'request body: add: must not name anyone twice'],
      [{ add: 'carol' }, 'request body: add: must be a list of usernames'],
      [{ members: ['carol'] }, 'request body: unknown field: members'],
    ];
    for (const [body, message] of cases) {
      const reply = await change('alice', id, body);
      expect(reply.status, message).toBe(400);
      expect(reply.body.error).toEqual({ code: 'invalid_request', message });
    }
    const unknown = await change('bob', id, { add: ['carol', 'nobody'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('there is no user nobody');
    expect((await get('alice', id)).body).toMatchObject({ members: ['alice', 'bob'], version: 1 });
    expect((await call(url, 'POST', `/groups/${id}/members`, { token: u.alice!.token })).status).toBe(400);
    expect((await change('carol', id, { add: ['dave'] })).status).toBe(404);
  });

  it('refuses (403) adding a user who blocks the one adding', async () => {
    const id = await group('alice', ['bob']);
    expect((await call(url, 'PUT', '/blocks/bob', { token: u.carol!.token })).status).toBe(204);
    try {
      const reply = await change('bob', id, { add: ['carol'] });
      expect(reply.status).toBe(403);
      expect(reply.body.error).toEqual({ code: 'forbidden', message: 'carol does not accept your messages' });
      expect((await change('alice', id, { add: ['carol'] })).status).toBe(200);
    } finally {
      await call(url, 'DELETE', '/blocks/bob', { token: u.carol!.token });
    }
  });

  it('deletes the group when the last member leaves; its id stays taken', async () => {
    const id = await group('dave', ['erin']);
    expect((await change('dave', id, { remove: ['dave'] })).body).toMatchObject({ members: ['erin'], owner: 'erin' });
    const last = await change('erin', id, { remove: ['erin'] });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ id, members: [], version: 3 });
    expect((await get('erin', id)).status).toBe(404);
    expect((await change('erin', id, { add: ['erin'] })).status).toBe(404);
    expect((await create('erin', ['dave'], id)).status).toBe(409);
    const listed = await call(url, 'GET', '/groups', { token: u.erin!.token });
    expect(listed.body.groups.map((g: { id: string }) => g.id)).not.toContain(id);
  });
});
