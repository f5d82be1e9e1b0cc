// `backup <file>` taken while senders keep posting messages through the server: a server started on the copy
// (SQLite: the file itself; PostgreSQL: the archive restored with pg_restore into a fresh database) has every
// message answered 201 before the backup began, and its messages are exactly seq 1..n, a consistent snapshot.
// The SQLite test runs when the suite runs on SQLite and the PostgreSQL one under scripts/ci/with-postgres.sh
// (TEST_DATABASE_URL): each needs the server's database to be of its kind.
import { mkdtempSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, isPostgresUrl } from '../../test/support/database.js';
import { parseDatabaseUrl } from '../db/database-url.js';
import { call, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';
import { admin } from './admin-run.fixture.js';
import { pgConnection, runPgTool } from './backup.js';

const postgres = isPostgresUrl(process.env.TEST_DATABASE_URL);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const backupFolder = () => mkdtempSync(path.join(os.tmpdir(), 'chat-backup-'));

async function serverOn(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer({ sendsPerMinute: 0, ...overrides });
  cleanups.push(() => server.close());
  return server;
}

/** Senders posting messages back to back until stopped; `answered` holds every id answered 201, in order. */
function keepSending(url: string, pairs: [TestUser, string][]) {
  const answered: string[] = [];
  let inFlight = 0;
  let stopped = false;
  const loops = pairs.map(async ([from, to]) => {
    while (!stopped) {
      const message = outgoing(to);
      inFlight += 1;
      const reply = await call(url, 'POST', '/messages', { token: from.token, body: message });
      inFlight -= 1;
      if (reply.status !== 201) throw new Error(`send answered ${reply.status} ${reply.text}`);
      answered.push(message.id);
    }
  });
  const until = async (test: () => boolean) => {
    while (!test()) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return {
    answered,
    inFlight: () => inFlight,
    until,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Every message `user` has on the server at `url`, in seq order. */
async function allMessages(url: string, user: TestUser): Promise<{ id: string; seq: number }[]> {
  const login = await call(url, 'POST', '/login', { body: { username: user.username, authHash: user.authHash } });
  expect(login.status).toBe(200);
  const found: { id: string; seq: number }[] = [];
  for (;;) {
    const after = found.at(-1)?.seq ?? 0;
    const page = await call(url, 'GET', `/messages?limit=1000&after=${after}`, { token: login.body.token });
    expect(page.status).toBe(200);
    const messages = page.body.messages as { id: string; seq: number }[];
    if (messages.length === 0) return found;
    found.push(...messages.map((m) => ({ id: m.id, seq: m.seq })));
  }
}

/** Runs a backup while three senders post; returns what was answered before it began, and its result. */
async function backupWhileSending(url: string, databaseUrl: string, file: string) {
  const ann = await register(url, 'bk_ann');
  const bea = await register(url, 'bk_bea');
  const senders = keepSending(url, [
    [ann, 'bk_bea'],
    [bea, 'bk_ann'],
    [ann, 'bk_bea'],
  ]);
  await senders.until(() => senders.answered.length >= 300);
  const before = [...senders.answered];
  const inFlightAtStart = senders.inFlight();
  const run = await admin(databaseUrl, ['backup', file]);
  const afterBackup = senders.answered.length;
  await senders.until(() => senders.answered.length >= afterBackup + 30);
  await senders.stop();
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  // The senders were busy when the backup began, and went on after it.
  expect(inFlightAtStart).toBeGreaterThan(0);
  expect(senders.answered.length).toBeGreaterThan(afterBackup);
  return { ann, bea, before, total: senders.answered.length, run };
}

/** The copy as a server sees it: every message answered before the backup, seqs 1..n, and it takes new ones. */
async function checkCopy(copyUrl: string, before: string[], total: number, ann: TestUser): Promise<void> {
  const copy = await serverOn({ databaseUrl: copyUrl });
  const messages = await allMessages(copy.url, ann);
  const ids = new Set(messages.map((m) => m.id));
  for (const id of before) expect(ids.has(id), `message ${id} answered before the backup`).toBe(true);
  expect(messages.length).toBeLessThan(total);
  expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
  const next = await call(copy.url, 'POST', '/messages', { token: ann.token, body: outgoing('bk_bea') });
  expect(next.status).toBe(201);
  expect(next.body.seq).toBe(messages.length + 1);
}

describe('backup', () => {
  it.skipIf(postgres)('SQLite: a copy taken while messages are sent has every message answered before it began', async () => {
    const server = await serverOn();
    const file = path.join(backupFolder(), 'chat-backup.sqlite');
    const { ann, before, total, run } = await backupWhileSending(server.url, server.config.databaseUrl, file);
    const storage = (parseDatabaseUrl(server.config.databaseUrl) as { storage: string }).storage;
    const size = statSync(file).size;
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]!.startsWith(`backed up ${storage} to ${file}: ${size} bytes (`), run.lines[0]).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // One self-contained file: no write-ahead log or journal beside it.
    for (const suffix of ['-wal', '-journal']) expect(existsSync(file + suffix)).toBe(false);
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    await checkCopy(`sqlite:${file}`, before, total, ann);
  });

  it.skipIf(!postgres)('PostgreSQL: a pg_dump archive taken while messages are sent restores with every message answered before it began', async () => {
    const server = await serverOn();
    const file = path.join(backupFolder(), 'chat-backup.dump');
    const { ann, before, total, run } = await backupWhileSending(server.url, server.config.databaseUrl, file);
    const described = new URL(server.config.databaseUrl);
    described.password = '';
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]!.startsWith(`backed up ${described.toString()} to ${file}: ${statSync(file).size} bytes`), run.lines[0]).toBe(true);
    expect(run.stdout).not.toContain(new URL(server.config.databaseUrl).password);
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const restored = await createPostgresDatabase(process.env.TEST_DATABASE_URL!, 'chat_restore');
    const { dbname, env } = pgConnection(restored);
    await runPgTool('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${dbname}`, file], env);
    await checkCopy(restored, before, total, ann);
  });

  it('never overwrites a file, and says which one', async () => {
    const server = await serverOn();
    const file = path.join(backupFolder(), 'taken.sqlite');
    writeFileSync(file, 'keep me');
    const run = await admin(server.config.databaseUrl, ['backup', file]);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `encrypted-chat-admin: ${file} exists already; give a new file name (a backup never overwrites one)\n` });
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect((await admin(server.config.databaseUrl, ['backup'])).code).toBe(2);
    const missing = await admin(server.config.databaseUrl, ['backup', path.join(backupFolder(), 'no', 'such', 'folder', 'x.sqlite')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot create .* \(ENOENT\)/);
  });

  it.skipIf(postgres)('SQLite: refuses a database file that is not there instead of creating one', async () => {
    const absent = path.join(backupFolder(), 'absent.sqlite');
    const run = await admin(`sqlite:${absent}`, ['backup', path.join(backupFolder(), 'copy.sqlite')]);
    expect(run).toMatchObject({ code: 1, stderr: `encrypted-chat-admin: there is no database at ${absent}: set DATABASE_URL as for the server, or pass --database\n` });
    expect(existsSync(absent)).toBe(false);
  });
});
