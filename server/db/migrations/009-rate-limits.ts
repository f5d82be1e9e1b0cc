// Rate-limit windows shared by every instance over one PostgreSQL database (server/http/shared-limits.ts):
// one row per (bucket, key), e.g. ('login-address', '203.0.113.7'), counting hits until reset_at (epoch
// ms, the database's clock). Made on SQLite too, so the schema is the same on both, though a SQLite server
// (one process) counts in memory and never writes here. The reset_at index serves the sweep of ended windows.
import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '009-rate-limits';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('rate_limits', {
    bucket: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    key: { type: DataTypes.STRING(255), primaryKey: true, allowNull: false },
    hits: { type: DataTypes.INTEGER, allowNull: false },
    reset_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex('rate_limits', ['reset_at'], { name: 'rate_limits_reset_at' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('rate_limits');
}
