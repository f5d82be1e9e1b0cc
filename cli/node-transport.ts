// Node side (CLI and Electron main): the transport for ChatClient — an https.Agent that trusts a custom CA
// (a self-hosted server's PEM) in addition to the system's authorities.
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Transport } from '../core/client/http-api.js';

export function transportWithCa(caCertificatePem: string | null): Transport {
  if (caCertificatePem === null) return { streamAdapter: 'http' };
  return {
    httpsAgent: new Agent({ ca: [...rootCertificates, caCertificatePem] }),
    streamAdapter: 'http',
  };
}
