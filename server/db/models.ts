// Sequelize models. The tables themselves are made by the migrations in ./migrations; these definitions
// only describe them to Sequelize and must stay in step with the latest migration.
import { DataTypes, Model, type Sequelize } from 'sequelize';

export class UserRow extends Model {
  declare username: string;
  declare publicKey: string;
  declare encryptedPrivateKey: string;
  declare kdfSalt: string;
  declare kdfIterations: number;
  declare serverSalt: Buffer;
  declare passwordHash: Buffer;
  /** Raised by logout and password change; a token carrying an older generation is refused. */
  declare tokenGeneration: number;
  /** Stored size of every message this user sent (the four encrypted fields' lengths); kept by messages/append.ts. */
  declare sentBytes: number;
  declare createdAt: number;
  /** Set when the account was deleted: the row stays (the name stays taken), keys and hashes are erased. */
  declare deletedAt: number | null;
  /** Set while the operator has disabled the account (encrypted-chat-admin users disable): no sign-in, no token. */
  declare disabledAt: number | null;
}

/** One sign-in (PROTOCOL.md "Accounts (v2)", Sessions); its tokens carry `id` and `generation`. */
export class SessionRow extends Model {
  declare id: string;
  declare username: string;
  declare device: string | null;
  declare generation: number;
  declare createdAt: number;
  declare lastSeenAt: number;
}

/** A user's recovery code: codeHash = SHA-512(serverSalt || recoveryAuthHash). */
export class RecoveryCodeRow extends Model {
  declare username: string;
  declare serverSalt: Buffer;
  declare codeHash: Buffer;
  declare recoveryPrivateKey: string;
  declare recoveryKdfSalt: string;
  declare setAt: number;
  declare device: string | null;
}

/** A registration invite (REGISTRATION=invite); codeHash is the SHA-512 hex of the code. */
export class InviteRow extends Model {
  declare codeHash: string;
  declare createdAt: number;
  declare expiresAt: number;
  declare usedAt: number | null;
  declare usedBy: string | null;
  /** Set when the operator withdrew it unused (encrypted-chat-admin invites revoke). */
  declare revokedAt: number | null;
}

/** A named server-wide value, JSON text (migration 006); see server/db/server-settings.ts. */
export class ServerSettingRow extends Model {
  declare name: string;
  declare value: string;
  declare updatedAt: number;
}

export class MessageRow extends Model {
  declare seq: number;
  declare id: string;
  declare sender: string;
  /** Null for a group message, which has `groupId` and `recipients` (sorted, comma-joined) instead. */
  declare recipient: string | null;
  declare format: number;
  declare groupId: string | null;
  declare recipients: string | null;
  declare timestamp: number;
  /** The four encrypted fields are null once the sender deleted the message (`deletedAt`); a group message has no sessionKey. */
  declare sessionKey: string | null;
  declare senderSessionKey: string | null;
  declare body: string | null;
  declare signature: string | null;
  declare deletedAt: number | null;
}

/** One row per participant of a message, so a user's messages are one index range, whatever their direction. */
export class MailboxRow extends Model {
  declare username: string;
  declare seq: number;
  /** The other party of a direct message; '' on group rows. */
  declare peer: string;
  declare groupId: string | null;
}

/** `blocker` accepts no direct messages from `blocked` (PROTOCOL.md v2, "Blocking"). */
export class BlockRow extends Model {
  declare blocker: string;
  declare blocked: string;
  declare createdAt: number;
}

export interface Models {
  User: typeof UserRow;
  Message: typeof MessageRow;
  Mailbox: typeof MailboxRow;
  Block: typeof BlockRow;
  Session: typeof SessionRow;
  RecoveryCode: typeof RecoveryCodeRow;
  Invite: typeof InviteRow;
  ServerSetting: typeof ServerSettingRow;
}

/** Sequelize hands BIGINT back as a string on PostgreSQL; every number we store fits a double. */
const bigintNumber = (column: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model): number {
    return Number(this.getDataValue(column));
  },
});

const nullableBigint = (column: string) => ({
  type: DataTypes.BIGINT,
  allowNull: true,
  get(this: Model): number | null {
    const value = this.getDataValue(column) as unknown;
    return value === null || value === undefined ? null : Number(value);
  },
});

/** Fresh model classes per database: Model.init binds a class to one Sequelize instance. */
export function defineModels(sequelize: Sequelize): Models {
  const User = class extends UserRow {};
  const Message = class extends MessageRow {};
  const Mailbox = class extends MailboxRow {};
  const Block = class extends BlockRow {};
  const Session = class extends SessionRow {};
  const RecoveryCode = class extends RecoveryCodeRow {};
  const Invite = class extends InviteRow {};
  const ServerSetting = class extends ServerSettingRow {};
  User.init(
    {
      username: { type: DataTypes.STRING(32), primaryKey: true },
      publicKey: { type: DataTypes.TEXT, allowNull: false, field: 'public_key' },
      encryptedPrivateKey: { type: DataTypes.TEXT, allowNull: false, field: 'encrypted_private_key' },
      kdfSalt: { type: DataTypes.STRING(64), allowNull: false, field: 'kdf_salt' },
      kdfIterations: { type: DataTypes.INTEGER, allowNull: false, field: 'kdf_iterations' },
      serverSalt: { type: DataTypes.BLOB, allowNull: false, field: 'server_salt' },
      passwordHash: { type: DataTypes.BLOB, allowNull: false, field: 'password_hash' },
      tokenGeneration: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'token_generation' },
      sentBytes: { ...bigintNumber('sentBytes'), defaultValue: 0, field: 'sent_bytes' },
      createdAt: { ...bigintNumber('createdAt'), field: 'created_at' },
      deletedAt: { ...nullableBigint('deletedAt'), field: 'deleted_at' },
      disabledAt: { ...nullableBigint('disabledAt'), field: 'disabled_at' },
    },
    { sequelize, modelName: 'User', tableName: 'users', timestamps: false },
  );
  Message.init(
    {
      seq: { ...bigintNumber('seq'), primaryKey: true, autoIncrement: false },
      id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      sender: { type: DataTypes.STRING(32), allowNull: false },
      recipient: { type: DataTypes.STRING(32), allowNull: true },
      format: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      groupId: { type: DataTypes.STRING(36), allowNull: true, field: 'group_id' },
      recipients: { type: DataTypes.TEXT, allowNull: true },
      timestamp: bigintNumber('timestamp'),
      sessionKey: { type: DataTypes.TEXT, allowNull: true, field: 'session_key' },
      senderSessionKey: { type: DataTypes.TEXT, allowNull: true, field: 'sender_session_key' },
      body: { type: DataTypes.TEXT, allowNull: true },
      signature: { type: DataTypes.TEXT, allowNull: true },
      deletedAt: { type: DataTypes.BIGINT, allowNull: true, field: 'deleted_at' },
    },
    { sequelize, modelName: 'Message', tableName: 'messages', timestamps: false },
  );
  Mailbox.init(
    {
      username: { type: DataTypes.STRING(32), primaryKey: true },
      seq: { ...bigintNumber('seq'), primaryKey: true },
      peer: { type: DataTypes.STRING(32), allowNull: false },
      groupId: { type: DataTypes.STRING(36), allowNull: true, field: 'group_id' },
    },
    { sequelize, modelName: 'Mailbox', tableName: 'mailbox', timestamps: false },
  );
  Block.init(
    {
      blocker: { type: DataTypes.STRING(32), primaryKey: true },
      blocked: { type: DataTypes.STRING(32), primaryKey: true },
      createdAt: { ...bigintNumber('createdAt'), field: 'created_at' },
    },
    { sequelize, modelName: 'Block', tableName: 'blocks', timestamps: false },
  );
  Session.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      username: { type: DataTypes.STRING(32), allowNull: false },
      device: { type: DataTypes.TEXT, allowNull: true },
      generation: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: { ...bigintNumber('createdAt'), field: 'created_at' },
      lastSeenAt: { ...bigintNumber('lastSeenAt'), field: 'last_seen_at' },
    },
    { sequelize, modelName: 'Session', tableName: 'sessions', timestamps: false },
  );
  RecoveryCode.init(
    {
      username: { type: DataTypes.STRING(32), primaryKey: true },
      serverSalt: { type: DataTypes.BLOB, allowNull: false, field: 'server_salt' },
      codeHash: { type: DataTypes.BLOB, allowNull: false, field: 'code_hash' },
      recoveryPrivateKey: { type: DataTypes.TEXT, allowNull: false, field: 'recovery_private_key' },
      recoveryKdfSalt: { type: DataTypes.STRING(64), allowNull: false, field: 'recovery_kdf_salt' },
      setAt: { ...bigintNumber('setAt'), field: 'set_at' },
      device: { type: DataTypes.TEXT, allowNull: true },
    },
    { sequelize, modelName: 'RecoveryCode', tableName: 'recovery_codes', timestamps: false },
  );
  Invite.init(
    {
      codeHash: { type: DataTypes.STRING(128), primaryKey: true, field: 'code_hash' },
      createdAt: { ...bigintNumber('createdAt'), field: 'created_at' },
      expiresAt: { ...bigintNumber('expiresAt'), field: 'expires_at' },
      usedAt: { ...nullableBigint('usedAt'), field: 'used_at' },
      usedBy: { type: DataTypes.STRING(32), allowNull: true, field: 'used_by' },
      revokedAt: { ...nullableBigint('revokedAt'), field: 'revoked_at' },
    },
    { sequelize, modelName: 'Invite', tableName: 'invites', timestamps: false },
  );
  ServerSetting.init(
    {
      name: { type: DataTypes.STRING(64), primaryKey: true },
      value: { type: DataTypes.TEXT, allowNull: false },
      updatedAt: { ...bigintNumber('updatedAt'), field: 'updated_at' },
    },
    { sequelize, modelName: 'ServerSetting', tableName: 'server_settings', timestamps: false },
  );
  return { User, Message, Mailbox, Block, Session, RecoveryCode, Invite, ServerSetting };
}
