// The lint of `npm test`: the boundaries between the folders (docs/architecture.md, "What the lint enforces")
// and no floating promises. Deliberately small: no style rules.
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// Globs for import-x's `target` (a list: a file is in the zone when any entry matches). `!(x)` is an extglob.
/** core/ code that runs anywhere: everything but tests and test fixtures. */
const CORE_RUNTIME = ['core/!(test-fixtures)/**/!(*.test).ts'];
/** core/ test support, which starts real servers: may use Node and test/support/. */
const CORE_TESTS = ['core/**/*.test.ts', 'core/test-fixtures/**'];
/** The server's own code, as shipped. */
const SERVER_RUNTIME = ['server/!(testing)/**/!(*.test).ts', 'server/!(*.test).ts'];
/** The server's tests and test harness. */
const SERVER_TESTS = ['server/**/*.test.ts', 'server/testing/**'];
/** The window, except its web adapter (src/api/web) and its test support (test/). */
const RENDERER_OUTSIDE_WEB_ADAPTER = [
  'renderer/*.*',
  'renderer/src/*.*',
  'renderer/src/!(api)/**',
  'renderer/src/api/*.*',
  'renderer/src/api/!(web)/**',
];
/** Files at the repository's root (vitest.config.ts, playwright.config.ts, eslint.config.js). */
const ROOT_FILES = ['*.{ts,js}'];

const zones = [
  // 1. core/ imports only core/.
  {
    target: 'core',
    from: ['node', 'server', 'electron', 'renderer', 'cli', 'scripts'],
    message: 'core/ runs anywhere and imports only other core/ files.',
  },
  {
    target: CORE_RUNTIME,
    from: 'test',
    message: 'core/ runs anywhere and imports only other core/ files.',
  },
  {
    target: CORE_TESTS,
    from: 'test',
    except: ['./support'],
    message: "core/'s tests and fixtures may import test/support/ only.",
  },
  // 2. Nothing outside server/ imports server/, nothing outside electron/ imports electron/ — but test/ and
  //    scripts/ (tests of the desktop app and the deployment, benchmarks) start them.
  {
    target: ['node', 'electron', 'renderer', 'cli', ...ROOT_FILES], // core/: the first zone
    from: 'server',
    message: 'Only server/ imports server/ (and test/, scripts/, which start it).',
  },
  {
    target: ['node', 'server', 'renderer', 'cli', ...ROOT_FILES], // core/: the first zone
    from: 'electron',
    message: 'Only electron/ imports electron/ (and test/, scripts/, which start it).',
  },
  // 3. The window reaches the client core only through its web adapter.
  {
    target: RENDERER_OUTSIDE_WEB_ADAPTER,
    from: 'core/client',
    message: 'The window talks to ChatApi; only its web adapter (renderer/src/api/web/) and renderer/test/ import core/client/.',
  },
  // 4. The desktop main process and preload never import the window or the terminal client; the server never
  //    imports tests (its own tests and harness may use test/support/).
  {
    target: 'electron',
    from: ['renderer', 'cli'],
    message: 'electron/ imports neither the window (renderer/) nor the terminal client (cli/).',
  },
  {
    target: SERVER_RUNTIME,
    from: 'test',
    message: 'server/ imports nothing from test/.',
  },
  {
    target: SERVER_TESTS,
    from: 'test',
    except: ['./support'],
    message: "server/'s tests and harness may import test/support/ only.",
  },
];

// 1. core/ runs anywhere: Node, Electron main, a page, a worker. Besides relative imports (other core/ files,
//    checked by the zones above) it imports axios, zod and the pure-JS password strength estimator @zxcvbn-ts
//    (core/password/), nothing else: no Node builtin, no Node-only package.
const CORE_IMPORTS_ONLY = '^(?!\\.\\.?/|axios(/|$)|zod(/|$)|@zxcvbn-ts/)';
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'];
const DOM_GLOBALS = ['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'navigator', 'location', 'self'];

export default defineConfig(
  // Disable comments for rules this config does not run (e.g. no-explicit-any) are not this lint's business.
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  { ignores: ['**/node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'data/**', 'server/test-fixtures/web/**'] },

  // Parsing: TypeScript (type-aware, for no-floating-promises) and Svelte components, whose <script lang="ts">
  // gets the same TypeScript parser. Files are found in tsconfig.json and renderer/tsconfig.json.
  {
    files: ['**/*.ts', '**/*.svelte'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: root, extraFileExtensions: ['.svelte'] },
    },
  },
  ...svelte.configs.base,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parser: svelteParser,
      parserOptions: { parser: tseslint.parser, projectService: true, tsconfigRootDir: root, extraFileExtensions: ['.svelte'] },
    },
  },

  // Boundaries: every file, resolved the way TypeScript resolves (`./x.js` is `./x.ts`).
  {
    files: ['**/*.{ts,js,svelte}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'renderer/tsconfig.json'], noWarnOnMultipleProjects: true })],
      'import-x/extensions': ['.ts', '.js', '.svelte'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: CORE_TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: CORE_IMPORTS_ONLY,
              message: 'core/ runs anywhere: it imports other core/ files, axios, zod and @zxcvbn-ts, and nothing Node-only (node:*, fs, ...) or DOM-only.',
            },
          ],
        },
      ],
      // The same for `import('...')`, which no-restricted-imports does not see (esquery's regex has no `/`: \x2F).
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/${CORE_IMPORTS_ONLY.replaceAll('/', '\\x2F')}/]`,
          message: 'core/ runs anywhere: it imports other core/ files, axios, zod and @zxcvbn-ts, and nothing Node-only (node:*, fs, ...) or DOM-only.',
        },
      ],
      'no-restricted-globals': [
        'error',
        ...NODE_GLOBALS.map((name) => ({ name, message: `core/ runs anywhere: \`${name}\` is Node-only (a Node caller hands core/ what it needs, e.g. a transport).` })),
        ...DOM_GLOBALS.map((name) => ({ name, message: `core/ runs anywhere: \`${name}\` is DOM-only (the window hands core/ what it needs, e.g. a KeyValueStore).` })),
      ],
    },
  },

  // 5. No floating promises. A deliberate fire-and-forget says so with `void promise`.
  {
    files: ['**/*.ts', '**/*.svelte'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
    },
  },
);
