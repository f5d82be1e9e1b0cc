// Fills a server's SQLite database with synthetic messages fast, in SQLite itself (a recursive CTE per
// chunk), for latency benchmarks at 1,000 and 1,000,000 messages. Rows have the protocol's real sizes.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

interface SqliteDatabase {
  exec(sql: string, callback: (error: Error | null) => void): void;
  get(sql: string, callback: (error: Error | null, row: { seq: number } | undefined) => void): void;
  run(sql: string, params: Record<string, unknown>, callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
}
const sqlite3 = createRequire(import.meta.url)('sqlite3') as { Database: new (file: string, callback: (e: Error | null) => void) => SqliteDatabase };

function promised<T extends unknown[]>(fn: (...args: [...T, (error: Error | null) => void]) => void, ...args: T): Promise<void> {
  return new Promise((resolve, reject) => fn(...args, (error: Error | null) => (error ? reject(error) : resolve())));
}

function maxSeq(db: SqliteDatabase): Promise<number> {
  return new Promise((resolve, reject) =>
    db.get('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages', (error, row) => (error ? reject(error) : resolve(Number(row?.seq ?? 0)))),
  );
}

/**
 * Appends `count` messages among `usernames` (sender i % n, recipient (3i + 1) % n, so the first user is in
 * about 2 of every n), with seq following what is there, and their mailbox rows.
 */
export async function fillMessages(file: string, usernames: string[], count: number, onProgress: (done: number) => void): Promise<void> {
  const db = await new Promise<SqliteDatabase>((resolve, reject) => {
    const opened: SqliteDatabase = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  const names = usernames.map((u) => `'${u.replace(/'/g, '')}'`);
  const pick = (expr: string) => `CASE ${expr} ${names.map((n, i) => `WHEN ${i} THEN ${n}`).join(' ')} END`;
  const n = usernames.length;
  const fields = {
    $sk: randomBytes(512).toString('base64'),
    $ssk: randomBytes(512).toString('base64'),
    $body: randomBytes(120).toString('base64'),
    $sig: randomBytes(540).toString('base64'),
  };
  try {
    await promised(db.exec.bind(db), 'PRAGMA synchronous=OFF');
    const chunk = 100_000;
    for (let done = 0; done < count; done += chunk) {
      const size = Math.min(chunk, count - done);
      const lo = await maxSeq(db);
      await promised(db.exec.bind(db), 'BEGIN IMMEDIATE');
      await promised(
        db.run.bind(db),
        `WITH RECURSIVE k(s) AS (SELECT ${lo + 1} UNION ALL SELECT s + 1 FROM k WHERE s < ${lo + size})
         INSERT INTO messages (seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature)
         SELECT s,
                printf('%08x-%04x-4%03x-8%03x-%012x', abs(random()) % 4294967296, abs(random()) % 65536, abs(random()) % 4096, abs(random()) % 4096, s),
                ${pick(`s % ${n}`)}, ${pick(`(3 * s + 1) % ${n}`)}, $t0 + s, $sk, $ssk, $body, $sig
         FROM k`,
        { ...fields, $t0: Date.now() - 86_400_000 },
      );
      await promised(
        db.exec.bind(db),
        `INSERT INTO mailbox (username, seq, peer) SELECT sender, seq, recipient FROM messages WHERE seq > ${lo};
         INSERT INTO mailbox (username, seq, peer) SELECT recipient, seq, sender FROM messages WHERE seq > ${lo} AND recipient <> sender;
         COMMIT;`,
      );
      await promised(db.exec.bind(db), 'PRAGMA wal_checkpoint(TRUNCATE)');
      onProgress(done + size);
    }
  } finally {
    await promised(db.close.bind(db));
  }
}
