// The sealed account state (an addition of this implementation, docs/protocol.md "Read state across
// devices"): one opaque blob per account, which its devices encrypt under a key only they can derive, with
// a version that every write must name (compare-and-set: a device that wrote over another's stale copy
// would lose that device's reads). Deleted with the account (server/accounts/delete-account.ts).
import type { QueryInterface } from 'sequelize';

export const name = '010-account-state';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const collate = qi.sequelize.getDialect() === 'postgres' ? ' COLLATE "C"' : '';
  const blob = qi.sequelize.getDialect() === 'postgres' ? 'BYTEA' : 'BLOB';
  await qi.sequelize.query(`CREATE TABLE account_state (
    username VARCHAR(32)${collate} PRIMARY KEY,
    state ${blob} NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('account_state');
}
