// Preload entry (sandboxed, bundled to CommonJS by `npm run build:electron`): exposes the bridge as
// `window.encryptedChat` through contextBridge. This file is the only one that touches ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import type { BridgeGlobalName } from '../../renderer/src/api/ipc-contract.js';
import { createBridge } from './bridge.js';

const name: BridgeGlobalName = 'encryptedChat';
contextBridge.exposeInMainWorld(name, createBridge(ipcRenderer));
