// @ts-check
// Lint setup for Storydesk, and the layering rule of DESIGN.md section 6: shared/ imports nothing
// outside shared/, electron/ and renderer/ each import shared/ but never each other.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// What each layer may not import. The layering rule is `no-restricted-imports`, which matches
// the import text, not the resolved file, so a relative path counts when it climbs out of the
// layer (`../`, `../../`, …) and names another layer's folder.
// ---------------------------------------------------------------------------------------------

/** @param {string} text */
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every Node built-in, bare (`fs`, `fs/promises`) or prefixed (`node:fs`, `node:sqlite`). */
const NODE_BUILTIN = `^(?:node:.+|${builtinModules.map(escapeRegex).join('|')})$`;
const ELECTRON_PACKAGE = '^(?:electron|@electron/[^/]+)(?:/.*)?$';
const SQLITE_PACKAGE = '^better-sqlite3(?:/.*)?$';
const UI_PACKAGES = '^(?:react|react-dom|zustand|@tiptap/[^/]+|@dnd-kit/[^/]+)(?:/.*)?$';

/** A relative import that leaves the current layer and enters the top-level `folder`. */
/** @param {string} folder */
const intoFolder = (folder) => `^(?:\\./)?(?:\\.\\./)+${folder}(?:/|$)`;

/**
 * @param {string} regex
 * @param {string} message says which layer rule was broken, why, and what to do instead
 */
const forbid = (regex, message) => ({ regex, message });

const SHARED_MAY_NOT_IMPORT = [
  forbid(NODE_BUILTIN, 'shared/ is pure TypeScript: it may not import Node built-ins. Move I/O to electron/.'),
  forbid(ELECTRON_PACKAGE, 'shared/ is pure TypeScript: it may not import Electron. Move Electron code to electron/.'),
  forbid(SQLITE_PACKAGE, 'shared/ is pure TypeScript: it may not open the database. SQL belongs in the store under electron/.'),
  forbid(UI_PACKAGES, 'shared/ is pure TypeScript: it may not import UI libraries (React, TipTap, zustand, dnd-kit). UI code belongs in renderer/.'),
  forbid(intoFolder('electron'), 'shared/ may import only shared/, never electron/. Move the pure part into shared/ and let electron/ import it.'),
  forbid(intoFolder('renderer'), 'shared/ may import only shared/, never renderer/. Move the pure part into shared/ and let renderer/ import it.'),
  forbid(intoFolder('test'), 'shared/ may import only shared/, never test/: tests depend on the app, not the other way round.'),
];

const ELECTRON_MAY_NOT_IMPORT = [
  forbid(intoFolder('renderer'), 'electron/ may import shared/ but never renderer/: the UI and the back end meet only in the API contract (shared/api.ts).'),
  forbid(intoFolder('test'), 'electron/ may not import test/: tests depend on the app, not the other way round.'),
];

const RENDERER_MAY_NOT_IMPORT = [
  forbid(intoFolder('electron'), 'renderer/ may import shared/ but never electron/: the UI reaches the back end only through the API client (shared/api.ts).'),
  forbid(NODE_BUILTIN, 'renderer/ runs in the page, which has no Node: it may not import Node built-ins. Ask the back end through the API client.'),
  forbid(ELECTRON_PACKAGE, 'renderer/ runs in the page: it may not import Electron. The preload exposes the API on window.storydesk.'),
  forbid(SQLITE_PACKAGE, 'renderer/ may not open the database: data comes through the API client, and SQL lives in electron/.'),
  forbid(intoFolder('test'), 'renderer/ may not import test/: tests depend on the app, not the other way round.'),
];

// ---------------------------------------------------------------------------------------------
// What each layer may not use as a global. typescript-eslint turns `no-undef` off for .ts files
// (the compiler checks names), so these say plainly why a global is out of bounds.
// ---------------------------------------------------------------------------------------------

/** Globals every JavaScript host has (the language itself, timers, URL, TextEncoder, …). */
const PORTABLE = new Set([...Object.keys(globals.builtin), ...Object.keys(globals['shared-node-browser'])]);
/** Portable globals that still do I/O or read the host; pure code takes their results as input. */
const PORTABLE_IO = [
  'fetch', 'Request', 'Response', 'Headers', 'FormData', 'WebSocket', 'BroadcastChannel',
  'localStorage', 'sessionStorage', 'Storage', 'navigator', 'Navigator',
];
const DOM_ONLY = Object.keys(globals.browser).filter((name) => !PORTABLE.has(name));
const NODE_ONLY = Object.keys(globals.node).filter((name) => !PORTABLE.has(name));

/**
 * @param {string[]} names
 * @param {string} message
 */
const globalsWithMessage = (names, message) => names.map((name) => ({ name, message }));

const SHARED_MAY_NOT_USE = [
  ...globalsWithMessage(DOM_ONLY, 'shared/ is pure TypeScript: it may not use DOM globals. Take the value as an argument, or move the code to renderer/.'),
  ...globalsWithMessage(PORTABLE_IO, 'shared/ is pure TypeScript: it may not do I/O or read the host. Move I/O to electron/ (or to renderer/ through the API client).'),
  ...globalsWithMessage(NODE_ONLY, 'shared/ is pure TypeScript: it may not use Node globals. Move Node code to electron/.'),
];

const RENDERER_MAY_NOT_USE = globalsWithMessage(
  NODE_ONLY,
  'renderer/ runs in the page, which has no Node: ask the back end through the API client instead.',
);

export default defineConfig(
  globalIgnores(['node_modules/', 'dist/', 'bench-results/', 'coverage/', 'test-results/', 'playwright-report/', '.vite/']),

  {
    name: 'storydesk/base',
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        {
          'ts-expect-error': 'allow-with-description',
          'ts-ignore': 'allow-with-description',
          'ts-nocheck': 'allow-with-description',
          'ts-check': false,
          minimumDescriptionLength: 10,
        },
      ],
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'all',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  {
    name: 'storydesk/node-globals',
    files: ['electron/**', 'scripts/**', 'test/**', 'bin/**', '*.config.{js,ts,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },

  {
    name: 'storydesk/layer-shared',
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: SHARED_MAY_NOT_IMPORT }],
      'no-restricted-globals': ['error', { globals: SHARED_MAY_NOT_USE, checkGlobalObject: true }],
      // A dynamic import() escapes no-restricted-imports; pure code has no reason to load lazily.
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'shared/ is pure TypeScript: use static imports, so the layering rule can check them.' },
      ],
    },
  },

  {
    name: 'storydesk/layer-electron',
    files: ['electron/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ELECTRON_MAY_NOT_IMPORT }],
    },
  },

  {
    name: 'storydesk/layer-renderer',
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', { patterns: RENDERER_MAY_NOT_IMPORT }],
      'no-restricted-globals': ['error', { globals: RENDERER_MAY_NOT_USE }],
    },
  },

  // The React UI: JSX in .tsx files, and the rules of hooks (which React relies on to keep a
  // component's state in order between renders).
  {
    name: 'storydesk/renderer-react',
    files: ['renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
  },
);
