// Core side (runs in Node, Electron main and the browser worker): what a failed request means to a person —
// the ChatError for each HTTP status the server answers and for each way a request gets no answer at all.
import { type AxiosResponse, isAxiosError } from 'axios';
import { errorBodySchema } from '../protocol/schemas.js';
import { ChatError, rateLimitedMessage } from '../api/errors.js';

const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const NETWORK_ERROR_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  ECONNABORTED: 'the request timed out',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  ERR_NETWORK: 'network error',
};

/** What an error answer of the server says, shortened and stripped of control characters (it is untrusted). */
function serverMessage(data: unknown): string | null {
  const parsed = errorBodySchema.safeParse(data);
  if (!parsed.success) return null;
  return parsed.data.error.message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}

function serverCode(data: unknown): string | null {
  const parsed = errorBodySchema.safeParse(data);
  return parsed.success ? parsed.data.error.code : null;
}

function retryAfterSeconds(response: AxiosResponse): number | undefined {
  const raw = response.headers['retry-after'];
  if (typeof raw !== 'string') return undefined;
  if (/^\d{1,6}$/.test(raw.trim())) return Number(raw.trim());
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The ChatError for a non-2xx answer. */
export function errorFromResponse(response: AxiosResponse, what: string): ChatError {
  const said = serverMessage(response.data);
  const status = response.status;
  switch (status) {
    case 400:
      return new ChatError('invalid_input', `The server refused the request${said ? `: ${said}` : '.'}`);
    case 401:
      return new ChatError('unauthorized', 'Your session has ended. Sign in again.');
    case 403:
      return new ChatError('forbidden', said ?? 'The server does not allow this.');
    case 404:
      return new ChatError('not_found', said ?? `Not found (${what}).`);
    case 410:
      return new ChatError('gone', said ?? 'This account was deleted.');
    case 409:
      return new ChatError('invalid_input', said ?? 'This conflicts with what the server already holds.');
    case 413:
      if (serverCode(response.data) === 'quota_exceeded') {
        return new ChatError('quota_exceeded', 'Your storage on this server is full. Delete something, or ask the server\'s operator for more room.');
      }
      return new ChatError('invalid_input', 'This is too large for the server.');
    case 429: {
      const seconds = retryAfterSeconds(response);
      return new ChatError('rate_limited', rateLimitedMessage(seconds), seconds === undefined ? {} : { retryAfterSeconds: seconds });
    }
    default:
      if (status >= 500) return new ChatError('server_error', `The server had a problem (HTTP ${status}). Try again later.`);
      return new ChatError('protocol_violation', `The server gave an unexpected answer (HTTP ${status}) to ${what}.`);
  }
}

/** The ChatError for a request that got no answer (network, TLS). */
export function errorFromTransport(error: unknown, serverUrl: string): ChatError {
  if (error instanceof ChatError) return error;
  const code = isAxiosError(error) ? (error.code ?? '') : '';
  const text = error instanceof Error ? error.message : '';
  if (/maxContentLength|maxBodyLength|too large/i.test(text) || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') {
    return new ChatError('protocol_violation', "The server's answer was too large.");
  }
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? '';
  const tls = [code, cause].find((c) => TLS_ERROR_CODES.has(c) || c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL'));
  if (tls) {
    return new ChatError(
      'bad_certificate',
      `The server's certificate is not trusted (${tls}). If ${serverUrl} is your own server, add the certificate of its authority (a PEM file) to trust it.`,
    );
  }
  const described = NETWORK_ERROR_DESCRIPTIONS[code] ?? NETWORK_ERROR_DESCRIPTIONS[cause];
  // A browser does not say why a request failed; a certificate is a possible reason only over https.
  const browserHint = code === 'ERR_NETWORK' && serverUrl.startsWith('https:') ? ' (or its certificate is not trusted)' : '';
  return new ChatError('server_unreachable', `Cannot reach the server at ${serverUrl}${browserHint}: ${described ?? (code || 'no answer')}.`);
}

export function isTransient(error: unknown): boolean {
  return error instanceof ChatError && (error.info.code === 'server_unreachable' || error.info.code === 'server_error');
}
