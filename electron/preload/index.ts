// Preload entry (sandboxed, bundled to CommonJS by `npm run build:electron`): exposes the bridge as
// `window.encryptedChat` through contextBridge. This file is the only one that touches ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL_NAME } from '../../core/api/ipc-contract.js';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL_NAME, createBridge(ipcRenderer));
