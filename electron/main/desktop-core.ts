// Main process, no Electron import: the desktop app's core assembled — settings, "stay signed in", the
// client state on disk, the ChatClient factory, the session host and the IPC dispatcher. main.ts gives it
// Electron's effects (window events, notifications, badge, browser); tests give it their own.
import path from 'node:path';
import { FileStore } from '../../node/file-store.js';
import { transportWithCa } from '../../node/transport.js';
import { sessionSnapshotSchema } from '../../core/api/session-snapshot.js';
import { ChatClient } from '../../core/client/chat-client.js';
import { createDispatcher, type Dispatch, type FrameLike } from './ipc-handlers.js';
import { DraftStore } from './draft-store.js';
import { SessionHost, type SessionHostDeps } from './session-host.js';
import { SettingsStore } from './settings-store.js';
import { osKeychain, probeKeychain, StaySignedInStore, type Keychain } from './stay-signed-in.js';

/** What the core asks of the app shell (Electron in the app, stand-ins in tests). */
const PLATFORMS: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
/** What the account's device list calls this app. */
const DESKTOP_DEVICE = `Desktop, ${PLATFORMS[process.platform] ?? process.platform}`;

export type DesktopEffects = Pick<SessionHostDeps, 'emit' | 'isWindowFocused' | 'showNotification' | 'setUnreadCount' | 'openExternal' | 'saveTextFile' | 'chooseSavePath' | 'logProblem'>;

export interface DesktopCore {
  settings: SettingsStore;
  host: SessionHost;
  dispatch: Dispatch;
}

export function createDesktopCore(params: {
  userData: string;
  effects: DesktopEffects;
  /** The main window's top frame now; IPC from anything else is refused. */
  mainFrame: () => FrameLike | null;
  /** The OS keychain by default; tests may pass another service name. */
  keychain?: (account?: string) => Keychain;
}): DesktopCore {
  const keychain = params.keychain ?? ((account?: string) => osKeychain(undefined, account));
  const settings = new SettingsStore(params.userData);
  const host = new SessionHost({
    settings,
    staySignedIn: new StaySignedInStore(params.userData, keychain(), (value) => sessionSnapshotSchema.parse(value)),
    probeKeychain: () => probeKeychain((account) => keychain(account)),
    clientStore: new FileStore(path.join(params.userData, 'client-state')),
    drafts: new DraftStore(params.userData),
    transportFor: (pem) => transportWithCa(pem),
    clients: {
      create: (options) => new ChatClient({ ...options, device: DESKTOP_DEVICE }),
      resume: (options, snapshot) => ChatClient.resume({ ...options, device: DESKTOP_DEVICE }, snapshot),
      checkServer: (url, transport) => ChatClient.checkServer(url, transport),
    },
    ...params.effects,
  });
  const dispatch = createDispatcher({
    service: host,
    mainFrame: params.mainFrame,
    onUnexpectedError: (method, error) => params.effects.logProblem(`answering ${method}`, error),
  });
  return { settings, host, dispatch };
}
