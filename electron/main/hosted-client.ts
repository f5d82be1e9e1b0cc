// Main process: the ChatClient as the session host sees it (a narrow seam, so tests can stand in for the
// network), and the session methods the host hands straight to it — derived from SESSION_METHODS, not written out.
import type { ChatApi } from '../../core/api/chat-api.js';
import { SESSION_METHODS, type SessionMethod } from '../../core/api/methods.js';
import type { SessionSnapshot } from '../../core/api/session-snapshot.js';
import type { ChatClient, ChatClientOptions, Transport } from '../../core/client/chat-client.js';

/** The ChatClient methods the host uses: the session part of the ChatApi and the session's own lifecycle. */
export type HostedClient = Pick<ChatClient, SessionMethod | 'serverUrl' | 'onEvent' | 'sessionSnapshot' | 'startLive' | 'close' | 'receiveFile'>;

export interface ClientFactory {
  create(options: ChatClientOptions): HostedClient;
  resume(options: ChatClientOptions, snapshot: SessionSnapshot): Promise<HostedClient>;
  checkServer(serverUrl: string, transport: Transport): Promise<{ serverUrl: string }>;
}

/**
 * The session methods the host does more around than delegating: signing in and out, recovering and deleting
 * the account (settings, the saved session, live updates), a password change (the saved session holds the login hash), and markRead (the badge).
 */
const HOSTED_METHODS = [
  'currentAccount',
  'register',
  'login',
  'recoverAccount',
  'logout',
  'logoutEverywhere',
  'deleteAccount',
  'changePassword',
  'markRead',
] as const satisfies readonly SessionMethod[];

export type DelegatedMethod = Exclude<SessionMethod, (typeof HOSTED_METHODS)[number]>;
export type DelegatedMethods = Pick<ChatApi, DelegatedMethod>;

export const DELEGATED_METHODS = SESSION_METHODS.filter(
  (method): method is DelegatedMethod => !(HOSTED_METHODS as readonly string[]).includes(method),
);

/**
 * What the session serves with nobody signed in too: what the server says of itself, who is signed in,
 * signing in and out, and the user search (public on v1 servers) — as ChatClient does, and the web window's
 * worker with it.
 */
const WITHOUT_SESSION: readonly SessionMethod[] = [
  'serverInfo',
  'currentAccount',
  'register',
  'login',
  'recoverAccount',
  'logout',
  'logoutEverywhere',
  'searchUsers',
  // Registration checks a name as it is typed; the window says whether it is seen and asks to reconnect.
  'usernameTaken',
  'reconnectNow',
  'setVisible',
];

export function needsSession(method: SessionMethod): boolean {
  return !WITHOUT_SESSION.includes(method);
}

/** One function per delegated method, each calling it on the client `clientFor` answers (or refusing as it does). */
export function delegateTo(clientFor: (method: DelegatedMethod) => Promise<DelegatedMethods>): DelegatedMethods {
  const delegate = (method: DelegatedMethod) => async (...args: unknown[]) => {
    const client = await clientFor(method);
    return (client[method] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
  };
  return Object.fromEntries(DELEGATED_METHODS.map((method) => [method, delegate(method)])) as unknown as DelegatedMethods;
}
