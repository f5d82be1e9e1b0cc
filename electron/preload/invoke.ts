// Preload (sandboxed renderer side), no Electron import: the typed `invoke` every domain module uses.
// The domain modules never see ipcRenderer; index.ts hands them this narrow function instead.
import type { ChatChannel, ChatMethod, ChatReply, ChatRequest, IpcEnvelope } from '../../renderer/src/api/ipc-contract.js';

export type Invoke = <M extends ChatMethod>(method: M, ...args: ChatRequest<M>) => Promise<IpcEnvelope<ChatReply<M>>>;

/** The parts of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function makeInvoke(ipc: IpcRendererLike): Invoke {
  return <M extends ChatMethod>(method: M, ...args: ChatRequest<M>) => {
    const channel: ChatChannel<M> = `chat:${method}`;
    return ipc.invoke(channel, ...args) as Promise<IpcEnvelope<ChatReply<M>>>;
  };
}
