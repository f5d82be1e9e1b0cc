// Protocol v2 groups and richer messages (PROTOCOL.md "v2 message content", "Groups", "Deleting a message").
//  - messages gain `format` (1 for every earlier row), `group_id` and `recipients` (sorted, comma-joined) for
//    group messages, which have no `recipient`, and `deleted_at`; the encrypted fields become nullable so a
//    deletion can erase them and a group message has no `session_key`.
//  - message_keys: one wrapped key per recipient of a group message, so a reader is handed only its own.
//  - mailbox gains `group_id`: group messages get a row per participant like direct ones (with `peer` ''
//    since no username is empty, so `peer` filters keep meaning direct messages), indexed for `group=`.
//  - groups and group_members; `joined_version` (the group version that added the member) decides the
//    successor of an owner who leaves: lowest version first, then lowest username.
// SQLite cannot drop NOT NULL in place, so there the messages table is rebuilt (the documented
// create-copy-drop-rename); PostgreSQL alters it in place.
import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '004-groups';

const SQLITE_MESSAGES = `CREATE TABLE messages_004 (
  seq BIGINT PRIMARY KEY,
  id VARCHAR(36) NOT NULL UNIQUE,
  sender VARCHAR(32) NOT NULL,
  recipient VARCHAR(32),
  timestamp BIGINT NOT NULL,
  session_key TEXT,
  sender_session_key TEXT,
  body TEXT,
  signature TEXT,
  format INTEGER NOT NULL DEFAULT 1,
  group_id VARCHAR(36),
  recipients TEXT,
  deleted_at BIGINT
)`;
const V1_COLUMNS = 'seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const { sequelize } = qi;
  const postgres = sequelize.getDialect() === 'postgres';
  await sequelize.transaction(async (transaction) => {
    const run = (sql: string) => sequelize.query(sql, { transaction });
    if (postgres) {
      await run(`ALTER TABLE messages
        ALTER COLUMN recipient DROP NOT NULL, ALTER COLUMN session_key DROP NOT NULL,
        ALTER COLUMN sender_session_key DROP NOT NULL, ALTER COLUMN body DROP NOT NULL, ALTER COLUMN signature DROP NOT NULL,
        ADD COLUMN format INTEGER NOT NULL DEFAULT 1, ADD COLUMN group_id VARCHAR(36) COLLATE "C",
        ADD COLUMN recipients TEXT, ADD COLUMN deleted_at BIGINT`);
    } else {
      await run(SQLITE_MESSAGES);
      await run(`INSERT INTO messages_004 (${V1_COLUMNS}) SELECT ${V1_COLUMNS} FROM messages`);
      await run('DROP TABLE messages');
      await run('ALTER TABLE messages_004 RENAME TO messages');
    }
    await run(`ALTER TABLE mailbox ADD COLUMN group_id VARCHAR(36)${postgres ? ' COLLATE "C"' : ''}`);
    // Partial: direct rows (the bulk) stay out of it; `group_id = ?` implies NOT NULL on both databases.
    await run('CREATE INDEX mailbox_username_group_seq ON mailbox (username, group_id, seq) WHERE group_id IS NOT NULL');
  });
  await qi.createTable('message_keys', {
    seq: { type: DataTypes.BIGINT, primaryKey: true, allowNull: false },
    username: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    wrapped_key: { type: DataTypes.TEXT, allowNull: false },
  });
  await qi.createTable('groups', {
    id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    owner: { type: DataTypes.STRING(32), allowNull: true },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    // Set when the last member left; the row stays so the id stays taken.
    deleted_at: { type: DataTypes.BIGINT, allowNull: true },
  });
  await qi.createTable('group_members', {
    group_id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    username: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    joined_version: { type: DataTypes.INTEGER, allowNull: false },
    joined_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex('group_members', ['username', 'group_id'], { name: 'group_members_username_group' });
  if (postgres) {
    // Bytewise order, as on SQLite, for every username and group id column.
    for (const [table, column, width] of [
      ['message_keys', 'username', 32],
      ['groups', 'id', 36],
      ['groups', 'owner', 32],
      ['group_members', 'group_id', 36],
      ['group_members', 'username', 32],
    ] as const) {
      await sequelize.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE VARCHAR(${width}) COLLATE "C"`);
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('004-groups cannot be undone: group messages have no place in the v1 schema');
}
