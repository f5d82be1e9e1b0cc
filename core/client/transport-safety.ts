// Core side: which server URLs a client may talk to. Plain http:// is allowed only to this machine.
import { ChatError } from '../api/errors.js';

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks and normalizes a server URL (no trailing slash, no query, no credentials). Throws ChatError
 * `insecure_transport` for http:// to another machine, `invalid_input` for anything that is not a server URL.
 */
export function safeServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new ChatError('invalid_input', `"${input.slice(0, 100)}" is not a server address (expected https://host or http://localhost:port).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ChatError('invalid_input', `The server address must start with https:// (got ${url.protocol}//).`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ChatError('invalid_input', 'The server address must not contain a user name, password, query or fragment.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ChatError(
      'insecure_transport',
      `Plain http:// is allowed only to this computer (localhost). Use https://${url.host}${url.pathname === '/' ? '' : url.pathname} so nobody on the network can read or change the traffic.`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
