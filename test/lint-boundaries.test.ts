// The lint (eslint.config.js, `npm run lint`) catches what it is there for: each bad snippet below, linted as
// the content of a file of the tree, is reported by the intended rule, and each good one passes. Removing a
// zone or a rule from the config makes a case here fail.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

/** The rules reported for `code` as the content of `file` (which must exist: the type-aware parser only knows the tree's files). */
async function rulesReported(file: string, code: string): Promise<string[]> {
  const filePath = path.join(root, file);
  expect(existsSync(filePath), `${file} is gone: pick another file of the same folder`).toBe(true);
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? `parse error: ${message.message}`);
}

const RESTRICTED_PATHS = 'import-x/no-restricted-paths';
const FLOATING = '@typescript-eslint/no-floating-promises';

// Files the snippets pose as (only their path matters; nothing is written).
const CORE = 'core/api/view.ts';
const CORE_TEST = 'core/api/errors.test.ts';
const CORE_FIXTURE = 'core/test-fixtures/vectors.ts';
const COMPONENT = 'renderer/src/components/Avatar.svelte';
const RENDERER_LIB = 'renderer/src/lib/time.ts';
const WEB_ADAPTER = 'renderer/src/api/web/web-settings.ts';
const ELECTRON_ADAPTER = 'renderer/src/api/electron/adapter.ts';
const RENDERER_TEST_SUPPORT = 'renderer/test/setup.ts';
const ELECTRON_MAIN = 'electron/main/menu.ts';
const PRELOAD = 'electron/preload/bridge.ts';
const SERVER = 'server/routes/health.ts';
const SERVER_TEST = 'server/config.test.ts';
const CLI = 'cli/help.ts';
const NODE_HELPER = 'node/transport.ts';
const CROSS_TEST = 'test/deploy/deploy-files.test.ts';
const SCRIPT = 'scripts/code-size.ts';

const component = (script: string) => `<script lang="ts">\n${script}\n</script>\n\n<p>{String(used)}</p>\n`;

describe('the lint', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    eslint = new ESLint({ cwd: root });
    // The first file of each tsconfig builds its TypeScript program: do it once, outside the cases' timeouts.
    await rulesReported(CORE, 'export {};\n');
    await rulesReported(COMPONENT, component('const used = 1;'));
  }, 300_000);

  it.each([
    // 1. core/ runs anywhere.
    ['core importing node:fs', CORE, "import { readFileSync } from 'node:fs';\nexport const used = readFileSync;\n", 'no-restricted-imports'],
    ['core importing node:fs dynamically', CORE, "export const used = await import('node:fs');\n", 'no-restricted-syntax'],
    ['core importing a bare Node builtin', CORE, "import path from 'path';\nexport const used = path;\n", 'no-restricted-imports'],
    ['core importing a Node-only package', CORE, "import express from 'express';\nexport const used = express;\n", 'no-restricted-imports'],
    ['core using localStorage', CORE, "export const used = localStorage.getItem('x');\n", 'no-restricted-globals'],
    ['core using window', CORE, 'export const used = window.location.href;\n', 'no-restricted-globals'],
    ['core using process', CORE, 'export const used = process.env.HOME;\n', 'no-restricted-globals'],
    ['core importing the server', CORE, "import { buildApp } from '../../server/app.js';\nexport const used = buildApp;\n", RESTRICTED_PATHS],
    ['core importing node/', CORE, "import * as transport from '../../node/transport.js';\nexport const used = transport;\n", RESTRICTED_PATHS],
    ['core importing test support', CORE, "import * as db from '../../test/support/database.js';\nexport const used = db;\n", RESTRICTED_PATHS],
    ['a core test importing a test other than test/support', CORE_TEST, "import * as world from '../../test/contract/contract-world.js';\nexport const used = world;\n", RESTRICTED_PATHS],
    // 2. server/ and electron/ are imported only from inside (and by test/, scripts/).
    ['the CLI importing the server', CLI, "import * as app from '../server/app.js';\nexport const used = app;\n", RESTRICTED_PATHS],
    ['node/ importing electron/', NODE_HELPER, "import * as menu from '../electron/main/menu.js';\nexport const used = menu;\n", RESTRICTED_PATHS],
    ['the server importing electron/', SERVER, "import * as menu from '../../electron/main/menu.js';\nexport const used = menu;\n", RESTRICTED_PATHS],
    // 3. The window reaches core/client/ only through its web adapter.
    ['a component importing core/client/chat-client.js', COMPONENT, component("import { ChatClient } from '../../../core/client/chat-client.js';\nconst used = ChatClient;"), RESTRICTED_PATHS],
    ['a renderer lib type-importing core/client', RENDERER_LIB, "import type { KeyValueStore } from '../../../core/client/store.js';\nexport type Used = KeyValueStore;\n", RESTRICTED_PATHS],
    ['the Electron adapter importing core/client', ELECTRON_ADAPTER, "import { ChatClient } from '../../../../core/client/chat-client.js';\nexport const used = ChatClient;\n", RESTRICTED_PATHS],
    // 4. electron/ never imports the window or the CLI; the server never imports tests.
    ['the main process importing the window', ELECTRON_MAIN, "import * as time from '../../renderer/src/lib/time.js';\nexport const used = time;\n", RESTRICTED_PATHS],
    ['the preload importing the CLI', PRELOAD, "import * as help from '../../cli/help.js';\nexport const used = help;\n", RESTRICTED_PATHS],
    ['the server importing test support', SERVER, "import * as db from '../../test/support/database.js';\nexport const used = db;\n", RESTRICTED_PATHS],
    ['a server test importing a test other than test/support', SERVER_TEST, "import * as world from '../test/contract/contract-world.js';\nexport const used = world;\n", RESTRICTED_PATHS],
    // 5. Promises are awaited, handled or explicitly voided.
    ['a floating promise', CORE, 'async function later(): Promise<void> {}\nlater();\nexport const used = later;\n', FLOATING],
    ['a floating promise in a component', COMPONENT, component('async function later(): Promise<void> {}\nlater();\nconst used = later;'), FLOATING],
  ])('reports %s', async (_name, file, code, rule) => {
    expect(await rulesReported(file, code)).toContain(rule);
  });

  it.each([
    [
      'core importing core/, axios and zod, using WebCrypto, fetch and text encoding, voiding a fire-and-forget',
      CORE,
      [
        "import axios from 'axios';",
        "import { z } from 'zod';",
        "import { PROTOCOL_VERSION } from '../protocol/constants.js';",
        "import { toChatErrorInfo } from './errors.js';",
        'async function later(): Promise<void> {}',
        'void later();',
        "export const used = [axios, z, PROTOCOL_VERSION, toChatErrorInfo, globalThis.crypto.subtle, fetch, new TextEncoder(), new TextDecoder()];",
      ].join('\n'),
    ],
    ['core importing the password strength estimator @zxcvbn-ts (pure JS) dynamically', CORE, "export const used = await import('@zxcvbn-ts/core');\n"],
    ['a core test using Node and test/support', CORE_TEST, "import { readFileSync } from 'node:fs';\nimport * as db from '../../test/support/database.js';\nexport const used = [readFileSync, db, process.env];\n"],
    ['a core test fixture using node:http', CORE_FIXTURE, "import { createServer } from 'node:http';\nexport const used = createServer;\n"],
    ['the web adapter importing core/client', WEB_ADAPTER, "import { ChatClient } from '../../../../core/client/chat-client.js';\nexport const used = ChatClient;\n"],
    ['renderer test support importing core/client', RENDERER_TEST_SUPPORT, "import { MemoryStore } from '../../core/client/store.js';\nexport const used = MemoryStore;\n"],
    ['a component importing core/api, core/links and core/protocol', COMPONENT, component("import { toChatErrorInfo } from '../../../core/api/errors.js';\nimport * as links from '../../../core/links/link-policy.js';\nimport * as base64 from '../../../core/protocol/base64.js';\nconst used = [toChatErrorInfo, links, base64];")],
    ['the main process importing core/client and node/', ELECTRON_MAIN, "import { ChatClient } from '../../core/client/chat-client.js';\nimport * as transport from '../../node/transport.js';\nexport const used = [ChatClient, transport];\n"],
    ['a server test importing test/support', SERVER_TEST, "import { freshDatabaseUrl } from '../test/support/database.js';\nexport const used = freshDatabaseUrl;\n"],
    ['a cross-cutting test importing the server and electron/', CROSS_TEST, "import * as config from '../../server/config.js';\nimport * as menu from '../../electron/main/menu.js';\nexport const used = [config, menu];\n"],
    ['a script importing the server', SCRIPT, "import * as app from '../server/app.js';\nexport const used = app;\n"],
  ])('passes %s', async (_name, file, code) => {
    expect(await rulesReported(file, code)).toEqual([]);
  });
});
