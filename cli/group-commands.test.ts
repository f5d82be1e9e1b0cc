// "group" and its commands with the fake ChatClient: what each asks of the client, what it prints (and as
// JSON), how GROUP is resolved (id, start of id, exact name; ambiguous is exit 2), and warnings.
import { describe, expect, it } from 'vitest';
import { FakeClient, GID, GID2, group, run } from './fake-client.fixture.js';

function fakeWithGroups(): FakeClient {
  const fake = new FakeClient();
  fake.groupList = [group(), group({ id: GID2, name: 'Work', members: ['bob', 'dave'], serverMembers: ['bob', 'dave'], owner: 'bob', unread: 2 })];
  return fake;
}

const requests = (fake: FakeClient, name: string) => fake.requests.filter(([n]) => n === name).map(([, arg]) => arg);

describe('group create', () => {
  it('creates with the others (names lowercased, duplicates dropped) and prints the group', async () => {
    const fake = new FakeClient();
    const result = await run(['group', 'create', 'Family', 'Alice', 'carol', 'alice'], fake);
    expect(result.code).toBe(0);
    expect(requests(fake, 'createGroup')).toEqual([{ name: 'Family', members: ['alice', 'carol'] }]);
    expect(result.stdout).toBe(`Created #Family (id ${GID}) with alice, bob, carol.\n`);
    expect(fake.closed).toBe(true);
  });

  it('prints JSON with stable field names', async () => {
    const result = await run(['group', 'create', 'Family', 'alice', '--json'], new FakeClient());
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['id', 'conversation', 'name', 'members', 'owner', 'serverMembers', 'sending', 'warnings', 'unread', 'lastActivity', 'lastSeq']);
    expect(json).toMatchObject({ id: GID, conversation: `group:${GID}`, name: 'Family', members: ['alice', 'bob'], owner: 'bob', sending: 'ok' });
  });

  it('refuses bad arguments before signing in', async () => {
    const fake = new FakeClient();
    for (const argv of [
      ['group'],
      ['group', 'make', 'x'],
      ['group', 'create', 'Family'],
      ['group', 'create', '   ', 'alice'],
      ['group', 'create', 'x'.repeat(101), 'alice'],
      ['group', 'create', 'Family', 'no way'],
      ['group', 'list', 'extra'],
      ['group', 'show'],
      ['group', 'rename', GID],
      ['group', 'add', GID],
      ['group', 'list', '--peer', 'bob'],
    ]) {
      const result = await run(argv, fake);
      expect([argv, result.code]).toEqual([argv, 2]);
      expect(result.stderr).toMatch(/^encrypted-chat: \S.*\n$/);
    }
    expect(fake.calls).toEqual([]);
  });

  it('says why, in one line', async () => {
    const fake = new FakeClient();
    expect((await run(['group', 'make'], fake)).stderr).toContain('unknown group command "make" (one of: create, list, show, add, remove, leave, rename, confirm)');
    expect((await run(['group', 'create', 'Family', 'no way'], fake)).stderr).toContain('MEMBER:');
    expect((await run(['group', 'create', ' ', 'alice'], fake)).stderr).toContain('name: is empty');
    expect((await run(['group', 'rename', 'Family', ' '], fake)).stderr).toContain('NAME: is empty');
    expect((await run(['group'], fake)).stderr).toContain('"group" needs one of: create');
  });
});

describe('group list and show', () => {
  it('lists each group on one line, and as JSON', async () => {
    const fake = fakeWithGroups();
    fake.groupList.push(group({ id: '7c9e2222-7425-40de-944b-e07fc1f90ae9', name: null, sending: 'blocked', warnings: [{ code: 'unannounced_member', user: 'mallory', loud: true, text: 'The server lists mallory.' }] }));
    const result = await run(['group', 'list'], fake);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `#Family  ${GID}  3 members, owner alice`,
      `#Work  ${GID2}  2 members, owner bob, 2 unread`,
      '#7c9e2222  7c9e2222-7425-40de-944b-e07fc1f90ae9  3 members, owner alice, sending blocked  ⚠ WARNING (run "group show")',
    ]);
    const json = JSON.parse((await run(['group', 'list', '--json'], fake)).stdout) as Array<{ id: string; name: string | null }>;
    expect(json.map((g) => [g.id, g.name])).toEqual([[GID, 'Family'], [GID2, 'Work'], ['7c9e2222-7425-40de-944b-e07fc1f90ae9', null]]);
    expect((await run(['group', 'list'], new FakeClient())).stdout).toContain('You are in no groups yet');
  });

  it('resolves GROUP by exact name, id, or a unique start of the id', async () => {
    const fake = fakeWithGroups();
    for (const ref of ['Family', GID, GID.toUpperCase(), '7c9e6', '7C9E66']) {
      const result = await run(['group', 'show', ref], fake);
      expect([ref, result.code]).toEqual([ref, 0]);
    }
    expect(requests(fake, 'groupDetails')).toEqual([GID, GID, GID, GID, GID]);
    expect((await run(['group', 'show', 'Work'], fake)).stdout).toContain(`id:       ${GID2}`);
  });

  it('refuses an ambiguous GROUP with exit 2, naming the candidates; an unknown one with 1', async () => {
    const fake = fakeWithGroups();
    const ambiguous = await run(['group', 'show', '7c9e'], fake);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toBe(`encrypted-chat: "7c9e" could be 2 groups: #Family ${GID}, #Work ${GID2}; give more of the id\n`);
    fake.groupList.push(group({ id: '0a9e6679-7425-40de-944b-e07fc1f90ae7', name: 'Family' }));
    expect((await run(['group', 'show', 'Family'], fake)).code).toBe(2);
    const unknown = await run(['group', 'show', 'Nope'], fake);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('You are in no group "Nope"');
    expect(fake.closed).toBe(true);
  });

  it('shows members, owner, the server list where it differs, and loud warnings (exit 5)', async () => {
    const fake = new FakeClient();
    fake.groupList = [group({
      name: 'Fam\u202eily',
      serverMembers: ['alice', 'bob', 'carol', 'mallory'],
      sending: 'blocked',
      warnings: [{ code: 'unannounced_member', user: 'mallory', loud: true, text: 'The server lists mallory in this group, but no member added them.\u001b[2J' }],
    })];
    const result = await run(['group', 'show', GID], fake);
    expect(result.code).toBe(5);
    expect(result.stdout.trim().split('\n')).toEqual([
      '#Fam\\u202eily',
      `  id:       ${GID}`,
      '  owner:    alice',
      '  members:  alice, bob, carol',
      '  the server lists: alice, bob, carol, mallory',
      '  sending:  HELD: needs your confirmation',
      '  WARNING: #Fam\\u202eily: The server lists mallory in this group, but no member added them.\\u001b[2J',
      `  WARNING: #Fam\\u202eily: messages are held because the server lists members no member announced. Ask the group; only if it is right, run "encrypted-chat group confirm ${GID}".`,
    ]);
    const json = await run(['group', 'show', GID, '--json'], fake);
    expect(json.code).toBe(5);
    expect((JSON.parse(json.stdout) as { warnings: Array<{ code: string; user: string; loud: boolean }> }).warnings).toEqual([
      expect.objectContaining({ code: 'unannounced_member', user: 'mallory', loud: true }),
    ]);
  });

  it('shows an unnamed group by the start of its id', async () => {
    const fake = new FakeClient();
    fake.groupList = [group({ name: null })];
    expect((await run(['group', 'show', 'Family'], fake)).code).toBe(1);
    expect((await run(['group', 'show', GID], fake)).stdout).toMatch(/^#7c9e6679 \(no name announced yet\)\n/);
  });
});

describe('group add, remove, leave, rename, confirm', () => {
  it('add and remove send the change for the resolved group', async () => {
    const fake = fakeWithGroups();
    const added = await run(['group', 'add', 'Family', 'Dave', 'erin'], fake);
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('Added dave, erin to #Family. Members now: alice, bob, carol, dave, erin.\n');
    const removed = await run(['group', 'remove', 'Family', 'carol'], fake);
    expect(removed.stdout).toBe('Removed carol from #Family. Members now: alice, bob.\n');
    expect(requests(fake, 'changeGroupMembers')).toEqual([{ group: GID, add: ['dave', 'erin'] }, { group: GID, remove: ['carol'] }]);
    const json = JSON.parse((await run(['group', 'remove', 'Work', 'dave', '--json'], fake)).stdout) as { members: string[] };
    expect(json.members).toEqual(['bob']);
  });

  it('leave, rename and confirm', async () => {
    const fake = fakeWithGroups();
    expect((await run(['group', 'leave', 'Work'], fake)).stdout).toBe('You left #Work. The other members were told.\n');
    expect(JSON.parse((await run(['group', 'leave', 'Work', '--json'], fake)).stdout)).toEqual({ group: GID2, left: true });
    expect(requests(fake, 'leaveGroup')).toEqual([GID2, GID2]);
    const renamed = await run(['group', 'rename', '7c9e66', '  Family 2.0 '], fake);
    expect(renamed.stdout).toBe('Renamed #Family to #Family 2.0.\n');
    expect(requests(fake, 'renameGroup')).toEqual([{ group: GID, name: 'Family 2.0' }]);

    fake.groupList[0] = group({ serverMembers: ['alice', 'bob', 'carol', 'mallory'], sending: 'blocked', warnings: [{ code: 'unannounced_member', user: 'mallory', loud: true, text: 'The server lists mallory.' }] });
    const confirmed = await run(['group', 'confirm', 'Family'], fake);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toBe('Accepted on this device, as members of #Family: mallory. Members now: alice, bob, carol, mallory.\n');
    expect(requests(fake, 'confirmGroupMembers')).toEqual([GID]);
    fake.groupList[0] = group();
    expect((await run(['group', 'confirm', 'Family'], fake)).stdout).toContain('#Family: nothing was waiting for confirmation.');
  });

  it('prints the warnings a change leaves on stderr', async () => {
    const fake = new FakeClient();
    fake.groupList = [group({ warnings: [{ code: 'removed_without_announcement', user: 'dave', loud: false, text: 'dave was removed without an announcement.' }] })];
    const result = await run(['group', 'add', 'Family', 'erin'], fake);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Warning: #Family: dave was removed without an announcement.\n');
  });
});
