// What the operator's admin tool (server/admin/, `encrypted-chat-admin`) keeps in the database:
//  - users.disabled_at: set while the operator has disabled the account; it cannot sign in (403) and no
//    token of it is accepted. Unlike deleted_at it takes nothing away and can be cleared again.
//  - invites.revoked_at: an invite the operator withdrew before it was used; it stays listed as revoked.
//  - server_settings: small named values every instance reads, as JSON text. The first is `retention`
//    (what `purge` last applied, reported by GET /health).
// Nothing already stored changes: every existing user is enabled, every existing invite unrevoked.
import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '006-operator';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('users', 'disabled_at', { type: DataTypes.BIGINT, allowNull: true });
  await qi.addColumn('invites', 'revoked_at', { type: DataTypes.BIGINT, allowNull: true });
  await qi.createTable('server_settings', {
    name: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    value: { type: DataTypes.TEXT, allowNull: false },
    updated_at: { type: DataTypes.BIGINT, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('server_settings');
  await qi.removeColumn('invites', 'revoked_at');
  await qi.removeColumn('users', 'disabled_at');
}
