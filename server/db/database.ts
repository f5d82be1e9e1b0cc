// Opens the database named by DATABASE_URL, applies pending migrations and hands out the models and the
// message write path. SQLite: WAL, synchronous=FULL and a busy timeout on every connection (Sequelize's,
// one per transaction, and the message writer's), so an answered write survives a killed process.
// PostgreSQL: the same models over pg.
import { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { createRequire } from 'node:module';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { defineModels, type Models } from './models.js';
import { migrations } from './migrations/index.js';
import { openSqliteRunner, sequelizeRunner, type TransactionRunner } from './write-transaction.js';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: 'sqlite' | 'postgres';
  /** Write transactions of the message path (see write-transaction.ts). */
  writes: TransactionRunner;
  /** Answers when the database can run a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The little of pg used directly (pg ships no types; Sequelize loads it for everything else). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}
const loadPg = () => createRequire(import.meta.url)('pg') as { Client: new (options: { connectionString: string }) => PgClient };

const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/** Key of the PostgreSQL advisory lock held while migrating, so two instances starting together take turns. */
const MIGRATION_LOCK_KEY = 0x6563_6d31; // "ecm1"

interface SqliteConnection {
  configure(option: 'busyTimeout', ms: number): void;
  run(sql: string, callback: (error: Error | null) => void): void;
}

interface SqliteConnectionManager {
  connections: Record<string, SqliteConnection | undefined>;
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
}

function runSqlite(connection: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.run(sql, (error) => (error ? reject(error) : resolve())));
}

/** Every connection Sequelize opens (it opens one per transaction) gets the durability settings. */
function configureSqliteConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const open = manager.getConnection.bind(manager);
  manager.getConnection = async (options) => {
    const fresh = manager.connections[options?.uuid ?? 'default'] === undefined;
    const connection = await open(options);
    if (fresh) {
      connection.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      await runSqlite(connection, 'PRAGMA synchronous=FULL');
    }
    return connection;
  };
}

function createSequelize(target: DatabaseTarget): Sequelize {
  if (target.dialect === 'sqlite') {
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: target.storage,
      logging: false,
      retry: { match: [/SQLITE_BUSY/], max: 5 },
    });
    configureSqliteConnections(sequelize);
    return sequelize;
  }
  return new Sequelize(target.url, {
    dialect: 'postgres',
    logging: false,
    pool: { max: 10, min: 0, idle: 10_000 },
  });
}

async function migrate(sequelize: Sequelize, target: DatabaseTarget): Promise<void> {
  const umzug = new Umzug({
    migrations: migrations.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
  if (target.dialect === 'sqlite') {
    await umzug.up();
    return;
  }
  // A session-level lock needs one fixed connection; Sequelize's pool would not keep us on it.
  const client = new (loadPg().Client)({ connectionString: target.url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await umzug.up();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

export async function openDatabase(databaseUrl: string): Promise<Database> {
  const target = parseDatabaseUrl(databaseUrl);
  const sequelize = createSequelize(target);
  try {
    if (target.dialect === 'sqlite') await sequelize.query('PRAGMA journal_mode=WAL');
    else await sequelize.authenticate();
    await migrate(sequelize, target);
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    throw error;
  }
  const models = defineModels(sequelize);
  let writes: TransactionRunner;
  try {
    writes = target.dialect === 'sqlite' ? await openSqliteRunner(target.storage, SQLITE_BUSY_TIMEOUT_MS) : sequelizeRunner(sequelize);
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    throw error;
  }
  return {
    writes,
    sequelize,
    models,
    dialect: target.dialect,
    async ping() {
      await sequelize.query('SELECT 1');
    },
    async close() {
      await writes.close();
      await sequelize.close();
    },
  };
}
