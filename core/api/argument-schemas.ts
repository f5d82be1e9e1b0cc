// The schema of every ChatApi method's arguments, exactly as they are spread over a boundary (Electron IPC,
// the web worker): the serving side of every boundary checks a call with these before it runs.
import { z } from 'zod';
import type { ChatMethod, ChatRequest } from './methods.js';
import {
  conversationPageRequestSchema,
  credentialsSchema,
  linkSchema,
  markReadSchema,
  messageIdsSchema,
  passwordChangeSchema,
  sendRequestSchema,
  serverChoiceSchema,
  typedUsernameSchema,
  userSearchSchema,
} from './schemas.js';
import { settingsUpdateSchema } from './settings.js';

export type ArgumentSchemas = { readonly [M in ChatMethod]: z.ZodType<ChatRequest<M>> };

const none = z.tuple([]);
const contact = z.tuple([typedUsernameSchema]);

/** One schema per method, validating the argument tuple: the arguments exactly, nothing more. */
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
  contactDetails: contact,
  trustContactKey: contact,
  disownEarlierKeys: contact,
  blockContact: contact,
  unblockContact: contact,
  conversation: z.tuple([conversationPageRequestSchema]),
  readMessages: z.tuple([messageIdsSchema]),
  send: z.tuple([sendRequestSchema]),
  markRead: z.tuple([markReadSchema.shape.peer, markReadSchema.shape.seq]),
  openLink: z.tuple([linkSchema]),
};
