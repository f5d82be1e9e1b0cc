// Web adapter, worker side: the client core (crypto, HTTP, live events) in a dedicated worker, so decrypting
// never blocks the page's frames and the private key and token never sit in the page's heap.
import './zod-without-eval.js';
import { ChatClient } from '../../../../core/client/chat-client.js';
import { serveSession, type PageToWorker, type PortLike, type Session, type WorkerToPage } from './worker-rpc.js';

const port = self as unknown as PortLike<PageToWorker, WorkerToPage>;

/** What the account's device list calls this browser, e.g. "Web, Firefox" (from the user agent, which is only a hint). */
function browserName(agent: string): string {
  if (/Firefox\//.test(agent)) return 'Firefox';
  if (/Edg\//.test(agent)) return 'Edge';
  if (/Chrom(e|ium)\//.test(agent)) return 'Chromium';
  if (/Safari\//.test(agent)) return 'Safari';
  return 'browser';
}

const device = `Web, ${browserName(self.navigator.userAgent)}`;
serveSession(port, (serverUrl, store) => new ChatClient({ serverUrl, store, device }) as unknown as Session);
