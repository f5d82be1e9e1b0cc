// Test-only certificate authority and server certificate, made with the openssl CLI (as a sysadmin
// running their own CA would), so that the client's --ca-cert path is exercised with real PEM files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** PEM of the self-signed CA the client is told to trust. */
  caCert: string;
  /** PEM chain (server certificate) for 127.0.0.1 and localhost, signed by the CA. */
  serverCert: string;
  serverKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Writes ca.pem, ca.key, server.pem, server.key into dir; EC P-256 keeps generation instant. `serverKey`
 * 'rsa' gives the server an RSA-2048 key instead (for the TLS 1.2 RSA cipher suites).
 */
export function makeTestCertificates(dir: string, serverKeyType: 'ec' | 'rsa' = 'ec'): TestCertificates {
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  const serverKey = join(dir, 'server.key');
  const serverCsr = join(dir, 'server.csr');
  const serverCert = join(dir, 'server.pem');
  const extFile = join(dir, 'server.ext');

  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey], dir);
  openssl(
    ['req', '-x509', '-new', '-key', caKey, '-sha256', '-days', '2', '-subj', '/CN=Encrypted Chat test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-out', caCert],
    dir,
  );
  if (serverKeyType === 'rsa') openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', serverKey], dir);
  else openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', serverKey], dir);
  openssl(['req', '-new', '-key', serverKey, '-subj', '/CN=localhost', '-out', serverCsr], dir);
  writeFileSync(
    extFile,
    [
      'basicConstraints=critical,CA:FALSE',
      serverKeyType === 'rsa' ? 'keyUsage=critical,digitalSignature,keyEncipherment' : 'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  openssl(
    ['x509', '-req', '-in', serverCsr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-sha256',
      '-days', '2', '-extfile', extFile, '-out', serverCert],
    dir,
  );
  return { caCert, serverCert, serverKey };
}

export interface CertificateFolder {
  /** A new temporary folder, which the test removes when it ends. */
  dir: string;
  certs: TestCertificates;
  /** The CA certificate's PEM text, for the test's own HTTPS requests. */
  ca: string;
}

/** Makes the test certificates in a new temporary folder whose name starts with `prefix`. */
export function makeCertificateFolder(prefix: string, serverKeyType: 'ec' | 'rsa' = 'ec'): CertificateFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const certs = makeTestCertificates(dir, serverKeyType);
    return { dir, certs, ca: readFileSync(certs.caCert, 'utf8') };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
