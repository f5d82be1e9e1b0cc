// Opens the database named by DATABASE_URL, applies pending migrations and hands out the models.
// SQLite: WAL, synchronous=FULL and a busy timeout on every connection Sequelize opens (it opens one per
// transaction), so an answered write survives a killed process. PostgreSQL: the same models over pg.
import { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { createRequire } from 'node:module';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { defineModels, type Models } from './models.js';
import { migrations } from './migrations/index.js';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: 'sqlite' | 'postgres';
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
  uuid?: string;
  configure(option: 'busyTimeout', ms: number): void;
  run(sql: string, callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
}

interface SqliteConnectionManager {
  connections: Record<string, SqliteConnection | undefined>;
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): void;
}

function runSqlite(connection: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.run(sql, (error) => (error ? reject(error) : resolve())));
}

/** Open connections kept for the next transaction instead of being closed after each one. */
const SPARE_SQLITE_CONNECTIONS = 2;

/**
 * Every connection, including the one Sequelize opens per transaction, gets the durability settings; and a
 * transaction's connection is kept for the next transaction rather than closed and reopened each time.
 * Returns the function that closes the kept connections.
 */
function configureSqliteConnections(sequelize: Sequelize): () => Promise<void> {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const open = manager.getConnection.bind(manager);
  const release = manager.releaseConnection.bind(manager);
  const spare: SqliteConnection[] = [];
  let closed = false;
  manager.getConnection = async (options) => {
    const key = options?.uuid ?? 'default';
    if (key !== 'default' && manager.connections[key] === undefined && spare.length > 0) {
      const connection = spare.pop()!;
      manager.connections[key] = connection;
      return connection;
    }
    const fresh = manager.connections[key] === undefined;
    const connection = await open(options);
    if (fresh) {
      connection.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      await runSqlite(connection, 'PRAGMA synchronous=FULL');
    }
    return connection;
  };
  manager.releaseConnection = (connection, force) => {
    if (connection.uuid !== undefined && force !== true && !closed && spare.length < SPARE_SQLITE_CONNECTIONS) {
      delete manager.connections[connection.uuid];
      spare.push(connection);
      return;
    }
    release(connection, force);
  };
  return async () => {
    closed = true;
    await Promise.all(spare.splice(0).map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
  };
}

function createSequelize(target: DatabaseTarget): { sequelize: Sequelize; closeExtra: () => Promise<void> } {
  if (target.dialect === 'sqlite') {
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: target.storage,
      logging: false,
      retry: { match: [/SQLITE_BUSY/], max: 5 },
    });
    return { sequelize, closeExtra: configureSqliteConnections(sequelize) };
  }
  const sequelize = new Sequelize(target.url, {
    dialect: 'postgres',
    logging: false,
    pool: { max: 10, min: 0, idle: 10_000 },
  });
  return { sequelize, closeExtra: async () => undefined };
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
  const { sequelize, closeExtra } = createSequelize(target);
  try {
    if (target.dialect === 'sqlite') await sequelize.query('PRAGMA journal_mode=WAL');
    else await sequelize.authenticate();
    await migrate(sequelize, target);
  } catch (error) {
    await closeExtra().catch(() => undefined);
    await sequelize.close().catch(() => undefined);
    throw error;
  }
  const models = defineModels(sequelize);
  return {
    sequelize,
    models,
    dialect: target.dialect,
    async ping() {
      await sequelize.query('SELECT 1');
    },
    async close() {
      await closeExtra();
      await sequelize.close();
    },
  };
}
