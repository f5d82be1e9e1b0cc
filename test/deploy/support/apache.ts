// Starts a real Apache httpd (Debian's apache2) in the foreground with the project's own site file,
// deploy/apache/encrypted-chat.conf, templated only where a test must differ from a host: names,
// certificate paths, backend URL and listening addresses. Everything else (TLS, HSTS, proxy and SSE
// settings) is exactly what a sysadmin installs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './ports.js';

export const apacheBinary = '/usr/sbin/apache2';
const modulesDir = '/usr/lib/apache2/modules';
const siteFile = fileURLToPath(new URL('../../../deploy/apache/encrypted-chat.conf', import.meta.url));

/** Why Apache tests cannot run here, or undefined when they can. */
export function apacheUnavailable(): string | undefined {
  if (!existsSync(apacheBinary)) return `${apacheBinary} not found: install Debian's apache2 (.ci/run does)`;
  if (!existsSync(join(modulesDir, 'mod_ssl.so'))) return `${modulesDir}/mod_ssl.so not found`;
  return undefined;
}

export interface ApacheOptions {
  dir: string;
  backendUrl: string;
  certFile: string;
  keyFile: string;
}

export interface RunningApache {
  httpsUrl: string;
  httpUrl: string;
  errorLog: () => string;
  stop: () => Promise<void>;
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`deploy/apache/encrypted-chat.conf no longer matches ${pattern}`);
  return text.replace(pattern, replacement);
}

/** The shipped site file with host-specific values swapped for the test's. */
export function templateSite(options: ApacheOptions, httpsPort: number, httpPort: number): string {
  let site = readFileSync(siteFile, 'utf8');
  site = replaceOnce(site, /^Define ENCRYPTED_CHAT_NAME .*$/m, 'Define ENCRYPTED_CHAT_NAME localhost');
  site = replaceOnce(site, /^Define ENCRYPTED_CHAT_CERT .*$/m, `Define ENCRYPTED_CHAT_CERT ${options.certFile}`);
  site = replaceOnce(site, /^Define ENCRYPTED_CHAT_KEY .*$/m, `Define ENCRYPTED_CHAT_KEY ${options.keyFile}`);
  site = replaceOnce(site, /^Define ENCRYPTED_CHAT_BACKEND .*$/m, `Define ENCRYPTED_CHAT_BACKEND ${options.backendUrl}`);
  site = replaceOnce(site, /<VirtualHost \*:80>/, `<VirtualHost 127.0.0.1:${httpPort}>`);
  site = replaceOnce(site, /<VirtualHost \*:443>/, `<VirtualHost 127.0.0.1:${httpsPort}>`);
  return site;
}

function mainConfig(dir: string, httpsPort: number, httpPort: number): string {
  const modules: Array<[string, string]> = [
    ['mpm_event_module', 'mod_mpm_event.so'],
    ['authz_core_module', 'mod_authz_core.so'],
    ['alias_module', 'mod_alias.so'],
    ['headers_module', 'mod_headers.so'],
    ['setenvif_module', 'mod_setenvif.so'],
    ['filter_module', 'mod_filter.so'],
    ['deflate_module', 'mod_deflate.so'],
    ['socache_shmcb_module', 'mod_socache_shmcb.so'],
    ['ssl_module', 'mod_ssl.so'],
    ['proxy_module', 'mod_proxy.so'],
    ['proxy_http_module', 'mod_proxy_http.so'],
  ];
  const asRoot = process.getuid?.() === 0;
  return [
    `ServerRoot ${dir}`,
    `Define APACHE_LOG_DIR ${dir}`,
    ...modules.map(([name, file]) => `LoadModule ${name} ${join(modulesDir, file)}`),
    'ServerName localhost',
    `Listen 127.0.0.1:${httpPort}`,
    `Listen 127.0.0.1:${httpsPort}`,
    `PidFile ${join(dir, 'httpd.pid')}`,
    `ErrorLog ${join(dir, 'error.log')}`,
    'LogLevel warn',
    // As Debian's apache2.conf defines it; the site logs with it.
    'LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined',
    `Mutex file:${dir}`,
    `DefaultRuntimeDir ${dir}`,
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    `SSLSessionCache shmcb:${join(dir, 'ssl_scache')}(512000)`,
    // Compression on for the types a stock Debian enables and for event streams too, so the test
    // proves the site's no-gzip rule keeps events flowing.
    'AddOutputFilterByType DEFLATE text/html text/plain application/json text/event-stream',
    `Include ${join(dir, 'site.conf')}`,
    '',
  ].join('\n');
}

export async function startApache(options: ApacheOptions): Promise<RunningApache> {
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const configFile = join(options.dir, 'httpd.conf');
  writeFileSync(join(options.dir, 'site.conf'), templateSite(options, httpsPort, httpPort));
  writeFileSync(configFile, mainConfig(options.dir, httpsPort, httpPort));

  const errorLog = (): string => {
    const file = join(options.dir, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  let exited: string | undefined;
  let stderr = '';
  const child: ChildProcess = spawn(apacheBinary, ['-f', configFile, '-DFOREGROUND'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `apache2 exited (${code ?? signal}): ${stderr}${errorLog()}`;
      resolve();
    });
  });
  try {
    await waitForPort(httpsPort, () => exited);
    await waitForPort(httpPort, () => exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    errorLog,
    stop: async () => {
      if (exited === undefined) {
        // SIGWINCH is httpd's graceful stop; SIGTERM stops at once, which is all a test needs.
        child.kill('SIGTERM');
        await exitedPromise;
      }
    },
  };
}
