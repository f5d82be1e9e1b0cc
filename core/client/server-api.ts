// Core side (runs in Node, Electron main and the browser worker): each server endpoint the client calls, with
// what each status means. The answers are checked here against the request, since the server is not trusted.
import type { AxiosResponse } from 'axios';
import { z } from 'zod';
import type { RegisterRequest } from '../protocol/schemas.js';
import {
  groupHeaderSchema,
  groupSchema,
  groupsResponseSchema,
  listedMessagesResponseSchema,
  type ChangeMembersRequest,
  type DirectSendRequest,
  type Group,
  type GroupHeader,
  type ListedMessage,
} from '../protocol/schemas-v2.js';
import {
  healthResponseSchema,
  messageHeaderSchema,
  tokenResponseSchema,
  userProfileSchema,
  usernameSchema,
  usersResponseSchema,
  type MessageHeader,
  type SendMessageRequest,
  type UserProfile,
} from '../protocol/schemas.js';
import { ChatError, wrongPassword } from '../api/errors.js';
import {
  recoverResponseSchema,
  REGISTRATION_MODES,
  sessionsResponseSchema,
  userProfileV2Schema,
  type RecoverResponse,
  type SessionInfo,
  type SetRecoveryRequest,
  type UserProfileV2,
} from '../protocol/schemas-accounts.js';
import { HttpApi, parseAnswer, type Method, type Transport } from './http-api.js';
import { errorFromResponse } from './http-errors.js';
import { safeServerUrl } from './transport-safety.js';

/**
 * What GET /health says beyond v1's fields, each read on its own: a field this client cannot read counts as
 * not said. `retention` is this implementation's (docs/protocol.md), set by the operator's `purge`.
 */
const healthInfoSchema = z.object({
  registration: z.enum(REGISTRATION_MODES).optional().catch(undefined),
  retention: z
    .object({ days: z.number().int().positive(), purgedAt: z.number().int().nonnegative().nullable() })
    .nullable()
    .optional()
    .catch(undefined),
});
export type HealthInfo = { registration: (typeof REGISTRATION_MODES)[number] | null; retention: { days: number; purgedAt: number | null } | null };

/** POST /messages of a group message (PROTOCOL.md "Groups"): `keys` maps each recipient to its wrapped key. */
export interface GroupSendPayload {
  id: string;
  format: 2;
  group: string;
  keys: Record<string, string>;
  senderSessionKey: string;
  body: string;
  signature: string;
  /** The uploaded blobs a `file` message names (PROTOCOL.md "Attachments"). */
  attachments?: string[];
}

/** A session token the server granted, with the device credential it sent along (unchecked). */
export interface Grant {
  token: string;
  deviceCredential: string | null;
}

// A type (not an interface) so it passes as the request's query record.
export type MessageQuery = {
  peer?: string;
  group?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  after?: number;
  until?: string;
};

const blocksResponseSchema = z.object({ blocked: z.array(usernameSchema).max(1_000_000) });
const NO_BLOCKING = new Set([404, 405, 501]);

export class ServerApi {
  readonly #http: HttpApi;

  constructor(http: HttpApi) {
    this.#http = http;
  }

  get signedIn(): boolean {
    return this.#http.token !== null;
  }

  useToken(token: string | null): void {
    this.#http.token = token;
  }

  /** GET /health: the server's version. */
  async health(): Promise<string> {
    return parseAnswer(healthResponseSchema, await this.#healthAnswer(), 'GET /health').version;
  }

  /** GET /health: whether the server takes new accounts, and how long it keeps messages. */
  async healthInfo(): Promise<HealthInfo> {
    const data = await this.#healthAnswer();
    parseAnswer(healthResponseSchema, data, 'GET /health');
    const info = healthInfoSchema.parse(data);
    return { registration: info.registration ?? null, retention: info.retention ?? null };
  }

  async #healthAnswer(): Promise<unknown> {
    const url = this.#http.serverUrl;
    const response = await this.#http.raw('GET', '/health');
    if (response.status === 503) throw new ChatError('server_error', `The server at ${url} is up but its database does not answer.`);
    if (response.status !== 200) {
      throw new ChatError('protocol_violation', `${url} does not look like an Encrypted Chat server (GET /health answered HTTP ${response.status}).`);
    }
    return response.data;
  }

  async createUser(request: RegisterRequest, device?: string, invite?: string): Promise<Grant> {
    const body = { ...request, ...(device === undefined ? {} : { device }), ...(invite === undefined ? {} : { invite }) };
    const response = await this.#http.raw('POST', '/users', { body });
    if (response.status === 409) throw new ChatError('username_taken', `The username ${request.username} is already taken.`);
    if (response.status === 403) {
      // Closed, or by invitation only (PROTOCOL.md "Accounts (v2)", registration): the server says which.
      const byInvite = /invit/i.test(JSON.stringify(response.data ?? ''));
      if (byInvite && invite !== undefined) throw new ChatError('forbidden', 'This invite code does not work: it is wrong, was used already, or has expired. Ask the server\'s operator for a new one.');
      throw new ChatError('forbidden', byInvite ? 'This server takes new accounts by invitation only: ask its operator for an invite code.' : 'This server does not accept new accounts.');
    }
    if (response.status !== 201) throw unexpected(response, 'POST /users');
    const token = parseAnswer(tokenResponseSchema, response.data, 'POST /users');
    if (token.username !== request.username) throw new ChatError('protocol_violation', 'The server registered a different username.');
    return grant(token.token, response);
  }

  async login(username: string, authHash: string, headers: Record<string, string>, device?: string): Promise<Grant> {
    const response = await this.#http.raw('POST', '/login', { body: device === undefined ? { username, authHash } : { username, authHash, device }, headers });
    if (response.status === 401) throw wrongPassword();
    if (response.status !== 200) throw unexpected(response, 'POST /login');
    const token = parseAnswer(tokenResponseSchema, response.data, 'POST /login');
    if (token.username !== username) throw new ChatError('protocol_violation', 'The server signed in a different username.');
    return grant(token.token, response);
  }

  async changePassword(username: string, headers: Record<string, string>, body: Record<string, unknown>): Promise<Grant> {
    const response = await this.#http.raw('POST', `/users/${username}/password`, { auth: true, headers, body });
    if (response.status === 401) {
      throw new ChatError('wrong_password', 'recoveryAuthHash' in body ? 'The recovery code was used up or replaced meanwhile.' : 'The current password is wrong.');
    }
    if (response.status !== 200) throw unexpected(response, 'POST /users/{username}/password');
    const token = parseAnswer(tokenResponseSchema, response.data, 'POST /users/{username}/password');
    return grant(token.token, response);
  }

  /** POST /logout: this session; with `everywhere`, every session of the account (v2). */
  async logout(everywhere = false): Promise<void> {
    await this.#http.callEmpty('POST', '/logout', everywhere ? { auth: true, body: { everywhere: true } } : { auth: true });
  }

  /** The signed-in account's own profile, with its sealed private key (and, from a v2 server, its recovery code's state). */
  async ownProfile(username: string): Promise<UserProfileV2> {
    const { data } = await this.#http.call('GET', `/users/${username}`, userProfileV2Schema, { auth: true });
    if (data.username !== username) throw new ChatError('protocol_violation', 'The server answered with another account.');
    return data;
  }

  /** Anyone's public profile (sent with the token when there is one). */
  async profile(username: string): Promise<UserProfile> {
    const response = await this.#http.raw('GET', `/users/${username}`, { auth: this.signedIn });
    if (response.status === 404) throw new ChatError('not_found', `There is no user named ${username}.`);
    if (response.status !== 200) throw unexpected(response, 'GET /users/{username}');
    const profile = parseAnswer(userProfileSchema, response.data, `GET /users/${username}`);
    if (profile.username !== username) throw new ChatError('protocol_violation', `The server answered with another user than ${username}.`);
    return profile;
  }

  /** Whether a name is taken, in one GET /users/{u} (open to anyone): 404 is free, 410 a deleted account whose name stays taken. */
  async usernameTaken(username: string): Promise<boolean> {
    const response = await this.#http.raw('GET', `/users/${username}`, { auth: this.signedIn });
    if (response.status === 404) return false;
    if (response.status === 200 || response.status === 410) return true;
    throw unexpected(response, 'GET /users/{username}');
  }

  /** Usernames starting with `q` (what else the server lists is dropped). */
  async searchUsers(q: string): Promise<string[]> {
    // v2 servers list users only to those signed in (USER_DIRECTORY=signed-in, the default).
    const { data } = await this.#http.call('GET', '/users', usersResponseSchema, { auth: this.signedIn, query: { q: q || undefined, limit: 50 } });
    return data.users.map((u) => u.username).filter((u) => u.startsWith(q));
  }

  /** Direct and group items alike: a v2 server lists both, and one item this client cannot show must not fail the page. */
  async listMessages(query: MessageQuery): Promise<ListedMessage[]> {
    const { data } = await this.#http.call('GET', '/messages', listedMessagesResponseSchema, { auth: true, query });
    return data.messages;
  }

  /** GET /messages/{id}: the record as sent (unchecked), or null when the server has none (404). */
  async messageRecord(id: string): Promise<{ data: unknown } | null> {
    const response = await this.#http.raw('GET', `/messages/${id}`, { auth: true });
    if (response.status === 404) return null;
    if (response.status !== 200) throw unexpected(response, 'GET /messages/{id}');
    return { data: response.data };
  }

  /** One POST /messages (no retry); the acknowledgement must name this very message. */
  async postMessage(payload: DirectSendRequest, me: string): Promise<MessageHeader> {
    const response = await this.#http.raw('POST', '/messages', { auth: true, body: payload });
    if (response.status === 404) throw new ChatError('not_found', `There is no user named ${payload.recipient}.`);
    if (response.status === 403) throw new ChatError('forbidden', `${payload.recipient} does not accept your messages.`);
    if (response.status === 409) throw new ChatError('invalid_input', 'A different message with this id is already on the server.');
    if (response.status !== 201 && response.status !== 200) throw unexpected(response, 'POST /messages');
    const header = parseAnswer(messageHeaderSchema, response.data, 'POST /messages');
    if (header.id !== payload.id || header.sender !== me || header.recipient !== payload.recipient) {
      throw new ChatError('protocol_violation', 'The server acknowledged a different message than the one sent.');
    }
    return header;
  }

  /** One POST /messages of a group message; 409 members_changed is 'members_changed' (the caller re-seals). */
  async postGroupMessage(payload: GroupSendPayload, me: string): Promise<GroupHeader | 'members_changed'> {
    const response = await this.#http.raw('POST', '/messages', { auth: true, body: payload });
    if (response.status === 409 && errorCodeOf(response.data) === 'members_changed') return 'members_changed';
    if (response.status === 404) throw new ChatError('not_found', 'You are not a member of this group (any more).');
    if (response.status === 409) throw new ChatError('invalid_input', 'A different message with this id is already on the server.');
    if (response.status !== 201 && response.status !== 200) throw unexpected(response, 'POST /messages');
    const header = parseAnswer(groupHeaderSchema, response.data, 'POST /messages');
    const sealedFor = Object.keys(payload.keys).sort().join(',');
    if (header.id !== payload.id || header.sender !== me || header.group !== payload.group || header.recipients.join(',') !== sealedFor) {
      throw new ChatError('protocol_violation', 'The server acknowledged a different message than the one sent.');
    }
    return header;
  }

  /** DELETE /messages/{id}: the server erases the message's encrypted fields; false when it has none of yours (404). */
  async deleteMessage(id: string): Promise<boolean> {
    const response = await this.#http.raw('DELETE', `/messages/${id}`, { auth: true });
    if (response.status === 404) return false;
    if (response.status !== 204 && response.status !== 200) throw unexpected(response, 'DELETE /messages/{id}');
    return true;
  }

  async createGroup(id: string, members: string[], me: string): Promise<Group> {
    const response = await this.#http.raw('POST', '/groups', { auth: true, body: { id, members } });
    if (response.status === 409) throw new ChatError('invalid_input', 'A group with this id exists already; try again.');
    if (response.status !== 201) throw unexpected(response, 'POST /groups');
    const group = parseAnswer(groupSchema, response.data, 'POST /groups');
    const expected = [...new Set([...members, me])].sort().join(',');
    if (group.id !== id || group.owner !== me || group.members.join(',') !== expected) {
      throw new ChatError('protocol_violation', 'The server made a different group than the one asked for.');
    }
    return group;
  }

  /** GET /groups: only well-formed groups the user is listed in. */
  async groups(me: string): Promise<Group[]> {
    const { data } = await this.#http.call('GET', '/groups', groupsResponseSchema, { auth: true });
    if (data.groups.some((g) => !g.members.includes(me))) throw new ChatError('protocol_violation', 'The server listed a group you are not in.');
    return data.groups;
  }

  /** GET /groups/{id}; null when the user is not (or no longer) a member (404). */
  async group(id: string, me: string): Promise<Group | null> {
    const response = await this.#http.raw('GET', `/groups/${id}`, { auth: true });
    if (response.status === 404) return null;
    if (response.status !== 200) throw unexpected(response, 'GET /groups/{id}');
    const group = parseAnswer(groupSchema, response.data, 'GET /groups/{id}');
    if (group.id !== id || !group.members.includes(me)) throw new ChatError('protocol_violation', 'The server answered with another group.');
    return group;
  }

  /** POST /groups/{id}/members: the group after the change (without the caller, when it left). */
  async changeMembers(id: string, change: ChangeMembersRequest): Promise<Group> {
    const response = await this.#http.raw('POST', `/groups/${id}/members`, { auth: true, body: change });
    if (response.status === 403) throw new ChatError('forbidden', 'Only the group\'s owner can remove other members.');
    if (response.status !== 200) throw unexpected(response, 'POST /groups/{id}/members');
    return parseAnswer(groupSchema, response.data, 'POST /groups/{id}/members');
  }

  // The password behind these three is checked on this device first (it opens the sealed key), so a 401 here
  // is the token's, and the session guard's to handle.

  /** PUT /users/{u}/recovery: a new recovery code (v2); the server ends every other session. */
  async setRecovery(username: string, request: SetRecoveryRequest): Promise<void> {
    const response = await this.#http.raw('PUT', `/users/${username}/recovery`, { auth: true, body: request });
    if (response.status !== 204 && response.status !== 200) throw unexpected(response, 'PUT /users/{username}/recovery');
  }

  /** DELETE /users/{u}/recovery (v2). */
  async removeRecovery(username: string, authHash: string): Promise<void> {
    const response = await this.#http.raw('DELETE', `/users/${username}/recovery`, { auth: true, body: { authHash } });
    if (response.status !== 204 && response.status !== 200) throw unexpected(response, 'DELETE /users/{username}/recovery');
  }

  /** POST /users/{u}/recover: a new session and the sealed private key; a wrong code (or user) is wrong_password. */
  async recover(username: string, recoveryAuthHash: string): Promise<RecoverResponse> {
    const response = await this.#http.raw('POST', `/users/${username}/recover`, { body: { recoveryAuthHash } });
    if (response.status === 401) throw new ChatError('wrong_password', 'That username and recovery code do not match (a code works only until it is used to set a new password).');
    if (response.status !== 200) throw unexpected(response, 'POST /users/{username}/recover');
    const answer = parseAnswer(recoverResponseSchema, response.data, 'POST /users/{username}/recover');
    if (answer.username !== username) throw new ChatError('protocol_violation', 'The server recovered a different username.');
    return answer;
  }

  /** DELETE /users/{u} (v2): the account is deleted for good. */
  async deleteAccount(username: string, authHash: string): Promise<void> {
    const response = await this.#http.raw('DELETE', `/users/${username}`, { auth: true, body: { authHash } });
    if (response.status !== 204 && response.status !== 200) throw unexpected(response, 'DELETE /users/{username}');
  }

  /** GET /sessions: the account's sessions (v2), exactly one of them the current one. */
  async sessions(): Promise<SessionInfo[]> {
    const { data } = await this.#http.call('GET', '/sessions', sessionsResponseSchema, { auth: true });
    if (data.sessions.filter((s) => s.current).length !== 1) throw new ChatError('protocol_violation', 'The server listed your sessions without the one in use.');
    return data.sessions;
  }

  /** DELETE /sessions/{id}: false when the account has no such session (404). */
  async revokeSession(id: string): Promise<boolean> {
    const response = await this.#http.raw('DELETE', `/sessions/${id}`, { auth: true });
    if (response.status === 404) return false;
    if (response.status !== 204 && response.status !== 200) throw unexpected(response, 'DELETE /sessions/{id}');
    return true;
  }

  /** PUT or DELETE /blocks/{u}; 'not_found' (404) is either no such user or no blocking on this server. */
  async setBlocked(peer: string, blocked: boolean): Promise<'done' | 'not_found' | 'unsupported'> {
    const method: Method = blocked ? 'PUT' : 'DELETE';
    const response = await this.#http.raw(method, `/blocks/${peer}`, { auth: true });
    if (response.status === 204 || response.status === 200) return 'done';
    if (response.status === 404) return 'not_found';
    if (NO_BLOCKING.has(response.status)) return 'unsupported';
    throw unexpected(response, `${method} /blocks/{username}`);
  }

  /** GET /blocks; null when the server does not support blocking. */
  async blockedList(): Promise<string[] | null> {
    const response = await this.#http.raw('GET', '/blocks', { auth: true });
    if (NO_BLOCKING.has(response.status)) return null;
    if (response.status !== 200) throw unexpected(response, 'GET /blocks');
    return parseAnswer(blocksResponseSchema, response.data, 'GET /blocks').blocked;
  }

  openEvents(lastEventId: number, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    return this.#http.openEvents(lastEventId, signal);
  }
}

/** Checks a server address is safe to use and answers GET /health; returns its normalized form. */
export async function checkServer(serverUrl: string, transport?: Transport): Promise<{ serverUrl: string; version: string }> {
  const url = safeServerUrl(serverUrl);
  const version = await new ServerApi(new HttpApi(url, transport ?? {})).health();
  return { serverUrl: url, version };
}

function errorCodeOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const error = (data as { error?: { code?: unknown } }).error;
  return typeof error?.code === 'string' ? error.code : null;
}

function grant(token: string, response: AxiosResponse): Grant {
  const credential: unknown = response.headers['x-device-credential'];
  return { token, deviceCredential: typeof credential === 'string' ? credential : null };
}

/** A status the endpoint does not define: the server's error when it is one, else a protocol violation. */
function unexpected(response: AxiosResponse, what: string): ChatError {
  if (response.status >= 400) return errorFromResponse(response, what);
  return new ChatError('protocol_violation', `The server gave an unexpected answer (HTTP ${response.status}) to ${what}.`);
}
