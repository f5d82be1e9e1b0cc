// Blocking (PROTOCOL.md v2, "Blocking"): one row per (blocker, blocked) pair; the primary key makes each
// pair unique and serves both "whom does X block" (GET /blocks) and the check on every send.
import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '003-blocks';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('blocks', {
    blocker: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    blocked: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  if (qi.sequelize.getDialect() === 'postgres') {
    // Usernames sort by byte value, as on SQLite (GET /blocks lists them sorted).
    for (const column of ['blocker', 'blocked']) {
      await qi.sequelize.query(`ALTER TABLE "blocks" ALTER COLUMN "${column}" TYPE VARCHAR(32) COLLATE "C"`);
    }
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('blocks');
}
