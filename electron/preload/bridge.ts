// Preload, no Electron import: the one narrow object the window gets. One function per ChatApi method,
// built from the method list (core/api/methods.ts): each invokes its own `chat:<method>` channel with
// exactly the method's number of arguments, so the page cannot pass anything more, nor name a channel.
import type { EncryptedChatBridge } from '../../core/api/ipc-contract.js';
import { channelOf } from '../../core/api/ipc-contract.js';
import { CHAT_METHODS, METHOD_ARITY } from '../../core/api/methods.js';
import { eventsBridge, type IpcRendererLike } from './events.js';

export type { IpcRendererLike } from './events.js';

export function createBridge(ipc: IpcRendererLike): EncryptedChatBridge {
  const calls = Object.fromEntries(
    CHAT_METHODS.map((method) => {
      const channel = channelOf(method);
      const arity = METHOD_ARITY[method];
      return [method, (...args: unknown[]) => ipc.invoke(channel, ...args.slice(0, arity))];
    }),
  );
  return Object.freeze({ ...calls, ...eventsBridge(ipc) } as EncryptedChatBridge);
}
