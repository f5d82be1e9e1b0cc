// Protocol v2 accounts (PROTOCOL.md "Accounts (v2)"):
//  - sessions: one row per sign-in (registration, login, recovery); a token names its session and the
//    session's `generation`, which a password change or a new recovery code raises so the current session's
//    earlier tokens stop working. Ending a session deletes its row.
//  - recovery_codes: at most one per user, SHA-512(server_salt || recoveryAuthHash), never the hash itself.
//  - invites: registration codes for REGISTRATION=invite, stored as SHA-512 hex of the code, used once.
//  - users.deleted_at: a deleted account keeps its row (its name stays taken for good) with every key and
//    hash erased.
// Tokens made before this migration (format v1, no session) are no longer accepted: their holders sign in
// again (they expired within TOKEN_TTL anyway). Nothing else changes in the rows already stored.
import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '005-accounts';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const { sequelize } = qi;
  const postgres = sequelize.getDialect() === 'postgres';
  await qi.createTable('sessions', {
    id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    username: { type: DataTypes.STRING(32), allowNull: false },
    device: { type: DataTypes.TEXT, allowNull: true },
    generation: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    last_seen_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex('sessions', ['username', 'created_at'], { name: 'sessions_username_created' });
  await qi.createTable('recovery_codes', {
    username: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    server_salt: { type: DataTypes.BLOB, allowNull: false },
    code_hash: { type: DataTypes.BLOB, allowNull: false },
    recovery_private_key: { type: DataTypes.TEXT, allowNull: false },
    recovery_kdf_salt: { type: DataTypes.STRING(64), allowNull: false },
    set_at: { type: DataTypes.BIGINT, allowNull: false },
    device: { type: DataTypes.TEXT, allowNull: true },
  });
  await qi.createTable('invites', {
    code_hash: { type: DataTypes.STRING(128), primaryKey: true, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    expires_at: { type: DataTypes.BIGINT, allowNull: false },
    used_at: { type: DataTypes.BIGINT, allowNull: true },
    used_by: { type: DataTypes.STRING(32), allowNull: true },
  });
  await qi.addColumn('users', 'deleted_at', { type: DataTypes.BIGINT, allowNull: true });
  if (postgres) {
    for (const [table, column, width] of [
      ['sessions', 'id', 36],
      ['sessions', 'username', 32],
      ['recovery_codes', 'username', 32],
      ['invites', 'used_by', 32],
    ] as const) {
      await sequelize.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE VARCHAR(${width}) COLLATE "C"`);
    }
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('users', 'deleted_at');
  for (const table of ['invites', 'recovery_codes', 'sessions']) await qi.dropTable(table);
}
