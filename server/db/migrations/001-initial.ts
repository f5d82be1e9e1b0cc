// The first schema: users, messages, the per-participant mailbox index and server secrets.
import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '001-initial';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const postgres = qi.sequelize.getDialect() === 'postgres';
  await qi.createTable('users', {
    username: { type: DataTypes.STRING(32), primaryKey: true },
    public_key: { type: DataTypes.TEXT, allowNull: false },
    encrypted_private_key: { type: DataTypes.TEXT, allowNull: false },
    kdf_salt: { type: DataTypes.STRING(64), allowNull: false },
    kdf_iterations: { type: DataTypes.INTEGER, allowNull: false },
    server_salt: { type: DataTypes.BLOB, allowNull: false },
    password_hash: { type: DataTypes.BLOB, allowNull: false },
    token_generation: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.createTable('messages', {
    seq: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: false },
    id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
    sender: { type: DataTypes.STRING(32), allowNull: false },
    recipient: { type: DataTypes.STRING(32), allowNull: false },
    timestamp: { type: DataTypes.BIGINT, allowNull: false },
    session_key: { type: DataTypes.TEXT, allowNull: false },
    sender_session_key: { type: DataTypes.TEXT, allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
    signature: { type: DataTypes.TEXT, allowNull: false },
  });
  await qi.createTable('mailbox', {
    username: { type: DataTypes.STRING(32), primaryKey: true },
    seq: { type: DataTypes.BIGINT, primaryKey: true },
    peer: { type: DataTypes.STRING(32), allowNull: false },
  });
  await qi.addIndex('mailbox', ['username', 'peer', 'seq'], { name: 'mailbox_username_peer_seq' });
  await qi.createTable('server_secrets', {
    name: { type: DataTypes.STRING(64), primaryKey: true },
    value: { type: DataTypes.BLOB, allowNull: false },
  });
  if (postgres) {
    // Usernames sort by byte value on every database, as they do on SQLite, so paging by `after` agrees.
    for (const [table, column] of [['users', 'username'], ['messages', 'sender'], ['messages', 'recipient'], ['mailbox', 'username'], ['mailbox', 'peer']] as const) {
      await qi.sequelize.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE VARCHAR(32) COLLATE "C"`);
    }
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['server_secrets', 'mailbox', 'messages', 'users']) await qi.dropTable(table);
}
