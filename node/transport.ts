// Node side (CLI and Electron main): the transport for ChatClient — an https.Agent that trusts a custom CA
// (a self-hosted server's PEM) in addition to the system's authorities — and the cap on a JSON answer's size, so
// an endless answer ends as "The server's answer was too large." instead of filling memory.
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { MAX_ANSWER_BYTES, type Transport } from '../core/client/http-api.js';
import { nodeSha512, nodeUploadBody } from './attachment-files.js';

export function transportWithCa(caCertificatePem: string | null): Transport {
  // Attachments: uploads streamed as Node streams, digests by node:crypto.
  const files = { uploadBody: nodeUploadBody, sha512: nodeSha512 };
  if (caCertificatePem === null) return { streamAdapter: 'http', maxAnswerBytes: MAX_ANSWER_BYTES, ...files };
  return {
    httpsAgent: new Agent({ ca: [...rootCertificates, caCertificatePem] }),
    streamAdapter: 'http',
    maxAnswerBytes: MAX_ANSWER_BYTES,
    ...files,
  };
}
