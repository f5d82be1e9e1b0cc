// The schema of every ChatApi method's arguments, exactly as they are spread over a boundary (Electron IPC,
// the web worker): the serving side of every boundary checks a call with these before it runs.
import { z } from 'zod';
import type { ChatMethod, ChatRequest } from './methods.js';
import { sessionIdSchema } from '../protocol/schemas-accounts.js';
import {
  accountRecoverySchema,
  conversationPageRequestSchema,
  credentialsSchema,
  deleteRequestSchema,
  editRequestSchema,
  groupIdSchema,
  groupRenameSchema,
  keyLogAlarmIdSchema,
  linkSchema,
  membersChangeSchema,
  newGroupSchema,
  reactionRequestSchema,
  markReadSchema,
  messageIdsSchema,
  passwordChangeSchema,
  passwordSchema,
  previewRequestSchema,
  registrationSchema,
  typedRecoveryCodeSchema,
  sendRequestSchema,
  serverChoiceSchema,
  typedUsernameSchema,
  userSearchSchema,
} from './schemas.js';
import { settingsUpdateSchema } from './settings.js';
import { MAX_DRAFT_CHARS, MAX_DRAFT_KEY_CHARS } from './drafts.js';
import { fileRefSchema, sendFilesRequestSchema, transferIdSchema } from './attachment-schemas.js';

export type ArgumentSchemas = { readonly [M in ChatMethod]: z.ZodType<ChatRequest<M>> };

const none = z.tuple([]);
const contact = z.tuple([typedUsernameSchema]);
const group = z.tuple([groupIdSchema]);
const password = z.tuple([passwordSchema]);

/** One schema per method, validating the argument tuple: the arguments exactly, nothing more. */
export const argumentSchemas: ArgumentSchemas = {
  getSettings: none,
  setServer: z.tuple([serverChoiceSchema]),
  updateSettings: z.tuple([settingsUpdateSchema]),
  serverInfo: none,
  currentAccount: none,
  register: z.tuple([registrationSchema]),
  login: z.tuple([credentialsSchema]),
  recoverAccount: z.tuple([accountRecoverySchema]),
  logout: none,
  logoutEverywhere: none,
  changePassword: z.tuple([passwordChangeSchema]),
  devices: none,
  signOutDevice: z.tuple([sessionIdSchema]),
  recoveryStatus: none,
  createRecoveryCode: password,
  removeRecoveryCode: password,
  saveRecoveryCode: z.tuple([typedRecoveryCodeSchema]),
  usernameTaken: contact,
  deleteAccount: password,
  searchUsers: z.tuple([userSearchSchema]),
  contacts: none,
  contactDetails: contact,
  trustContactKey: contact,
  disownEarlierKeys: contact,
  blockContact: contact,
  unblockContact: contact,
  groups: none,
  groupDetails: group,
  createGroup: z.tuple([newGroupSchema]),
  changeGroupMembers: z.tuple([membersChangeSchema]),
  renameGroup: z.tuple([groupRenameSchema]),
  leaveGroup: group,
  confirmGroupMembers: group,
  conversation: z.tuple([conversationPageRequestSchema]),
  readMessages: z.tuple([messageIdsSchema]),
  send: z.tuple([sendRequestSchema]),
  editMessage: z.tuple([editRequestSchema]),
  deleteMessage: z.tuple([deleteRequestSchema]),
  react: z.tuple([reactionRequestSchema]),
  markRead: z.tuple([markReadSchema.shape.conversation, markReadSchema.shape.seq]),
  previews: z.tuple([previewRequestSchema]),
  sendFiles: z.tuple([sendFilesRequestSchema]),
  fileBytes: z.tuple([fileRefSchema]),
  cancelTransfer: z.tuple([transferIdSchema]),
  saveFile: z.tuple([fileRefSchema]),
  keyLog: none,
  auditKeyLog: none,
  acceptLogKey: none,
  dismissKeyLogAlarm: z.tuple([keyLogAlarmIdSchema]),
  openLink: z.tuple([linkSchema]),
  reconnectNow: none,
  setVisible: z.tuple([z.boolean({ error: 'must be true or false' })]),
  drafts: none,
  saveDraft: z.tuple([
    z.string({ error: 'must be text' }).min(1, 'is empty').max(MAX_DRAFT_KEY_CHARS, 'is too long'),
    z.string({ error: 'must be text' }).max(MAX_DRAFT_CHARS, `is longer than ${MAX_DRAFT_CHARS} characters`),
  ]),
};
