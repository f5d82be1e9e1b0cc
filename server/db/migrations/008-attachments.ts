// Protocol v2 attachments (PROTOCOL.md "Attachments"; stored bytes in server/attachments/):
//  - attachments: one row per uploaded blob that counts: its uploader, size (bytes of the blob) and base64
//    SHA-512. A row is written only after the blob is on disk under its final name, so a crash never leaves
//    a row without bytes. `linked_at`: when a message first named it (an unnamed one expires 24 h after
//    `created_at`). `deleted_at`: erased (its message deleted, its uploader's account deleted, expired, or
//    purged): it answers 404 and counts toward no quota from then on, and the sweep removes the stored
//    bytes and then the row.
//  - message_attachments: the ids a message names, in the order of its request.
import type { QueryInterface } from 'sequelize';

export const name = '008-attachments';

function tables(postgres: boolean): string[] {
  const collate = postgres ? ' COLLATE "C"' : '';
  return [
    `CREATE TABLE attachments (
      id VARCHAR(36)${collate} PRIMARY KEY,
      uploader VARCHAR(32)${collate} NOT NULL,
      size BIGINT NOT NULL,
      digest VARCHAR(88) NOT NULL,
      created_at BIGINT NOT NULL,
      linked_at BIGINT,
      deleted_at BIGINT
    )`,
    // The quota: the sum of one uploader's live blobs.
    'CREATE INDEX attachments_uploader ON attachments (uploader) WHERE deleted_at IS NULL',
    // The sweep: blobs no message named, oldest first; and the erased ones whose bytes are still to remove.
    'CREATE INDEX attachments_unlinked ON attachments (created_at) WHERE deleted_at IS NULL AND linked_at IS NULL',
    'CREATE INDEX attachments_erased ON attachments (deleted_at) WHERE deleted_at IS NOT NULL',
    `CREATE TABLE message_attachments (
      seq BIGINT NOT NULL,
      position SMALLINT NOT NULL,
      attachment_id VARCHAR(36)${collate} NOT NULL,
      PRIMARY KEY (seq, position)
    )`,
    // Access (a participant of a message naming it) and "does another message still name it".
    'CREATE INDEX message_attachments_attachment ON message_attachments (attachment_id, seq)',
  ];
}

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const { sequelize } = qi;
  const postgres = sequelize.getDialect() === 'postgres';
  await sequelize.transaction(async (transaction) => {
    for (const sql of tables(postgres)) await sequelize.query(sql, { transaction });
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['message_attachments', 'attachments']) await qi.dropTable(table);
}
