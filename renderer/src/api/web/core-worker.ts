// Web adapter, worker side: the client core (crypto, HTTP, live events) in a dedicated worker, so decrypting
// never blocks the page's frames and the private key and token never sit in the page's heap.
import './zod-without-eval.js';
import { ChatClient } from '../../../../core/client/chat-client.js';
import { serveSession, type PageToWorker, type PortLike, type Session, type WorkerToPage } from './worker-rpc.js';

const port = self as unknown as PortLike<PageToWorker, WorkerToPage>;

serveSession(port, (serverUrl, store) => new ChatClient({ serverUrl, store }) as unknown as Session);
