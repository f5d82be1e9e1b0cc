// Main process, no Electron import: the argument schema of every IPC channel, built from the core's input
// schemas (core/client/request-schemas.ts) so the desktop validates exactly what the other clients do.
// Each is a tuple: the arguments exactly as the window's `invoke` spreads them, nothing more.
import { z } from 'zod';
import {
  conversationPageRequestSchema,
  credentialsSchema,
  markReadSchema,
  messageIdsSchema,
  passwordChangeSchema,
  sendRequestSchema,
  serverChoiceSchema,
  typedUsernameSchema,
  userSearchSchema,
} from '../../core/client/request-schemas.js';
import type { ArgumentSchemas } from './ipc-handlers.js';

/** Desktop settings the window may change (ChatApi.updateSettings); only the desktop validates these over IPC. */
export const settingsUpdateSchema = z.strictObject({
  theme: z.enum(['light', 'dark', 'system'], { error: 'must be light, dark or system' }).optional(),
  staySignedIn: z.boolean({ error: 'must be true or false' }).optional(),
  notifications: z.boolean({ error: 'must be true or false' }).optional(),
  notificationContent: z.boolean({ error: 'must be true or false' }).optional(),
});

/** A link from a message; whether it may be opened is decided by the link policy (navigation.ts, checkExternalUrl). */
export const linkSchema = z.string({ error: 'must be text' }).min(1, 'is empty').max(2048, 'is too long');

const none = z.tuple([]);

export const argumentSchemas: ArgumentSchemas = {
  getSettings: none,
  setServer: z.tuple([serverChoiceSchema]),
  updateSettings: z.tuple([settingsUpdateSchema]),
  currentAccount: none,
  register: z.tuple([credentialsSchema]),
  login: z.tuple([credentialsSchema]),
  logout: none,
  changePassword: z.tuple([passwordChangeSchema]),
  searchUsers: z.tuple([userSearchSchema]),
  contacts: none,
  contactDetails: z.tuple([typedUsernameSchema]),
  trustContactKey: z.tuple([typedUsernameSchema]),
  disownEarlierKeys: z.tuple([typedUsernameSchema]),
  blockContact: z.tuple([typedUsernameSchema]),
  unblockContact: z.tuple([typedUsernameSchema]),
  conversation: z.tuple([conversationPageRequestSchema]),
  readMessages: z.tuple([messageIdsSchema]),
  send: z.tuple([sendRequestSchema]),
  markRead: z.tuple([markReadSchema.shape.peer, markReadSchema.shape.seq]),
  openLink: z.tuple([linkSchema]),
};
