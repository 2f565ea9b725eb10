// Proves the layering rule in eslint.config.js case by case: imports and globals that cross a
// layer boundary (DESIGN.md section 6) fail with a message naming the layer, and allowed ones pass.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: projectRoot });
});

/** Lints `code` as if it were saved at `file` (relative to the project root); files need not exist. */
async function lintAs(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(projectRoot, file) });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  return result.messages;
}

interface Violation {
  file: string;
  code: string;
  ruleId: 'no-restricted-imports' | 'no-restricted-globals' | 'no-restricted-syntax';
  /** Words the message must contain: the layer whose rule was broken, and the reason. */
  says: string[];
}

const violations: Record<string, Violation> = {
  "shared importing 'node:fs'": {
    file: 'shared/x.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const read = (file: string) => readFileSync(file, 'utf8');\n",
    ruleId: 'no-restricted-imports',
    says: ["'node:fs'", 'shared/', 'Node built-ins'],
  },
  "shared importing 'fs'": {
    file: 'shared/x.ts',
    code: "import { readFileSync } from 'fs';\nexport const read = (file: string) => readFileSync(file, 'utf8');\n",
    ruleId: 'no-restricted-imports',
    says: ["'fs'", 'shared/', 'Node built-ins'],
  },
  "shared importing 'fs/promises'": {
    file: 'shared/x.ts',
    code: "export { readFile } from 'fs/promises';\n",
    ruleId: 'no-restricted-imports',
    says: ["'fs/promises'", 'shared/', 'Node built-ins'],
  },
  "shared importing 'path'": {
    file: 'shared/x.ts',
    code: "import path from 'path';\nexport const base = (file: string) => path.basename(file);\n",
    ruleId: 'no-restricted-imports',
    says: ["'path'", 'shared/', 'Node built-ins'],
  },
  "shared importing 'electron'": {
    file: 'shared/x.ts',
    code: "import { app } from 'electron';\nexport const version = () => app.getVersion();\n",
    ruleId: 'no-restricted-imports',
    says: ["'electron'", 'shared/', 'Electron'],
  },
  "shared importing a type from 'electron'": {
    file: 'shared/x.ts',
    code: "import type { BrowserWindow } from 'electron';\nexport type Window = BrowserWindow;\n",
    ruleId: 'no-restricted-imports',
    says: ["'electron'", 'shared/', 'Electron'],
  },
  "shared importing 'react'": {
    file: 'shared/x.ts',
    code: "import { useState } from 'react';\nexport const useCount = () => useState(0);\n",
    ruleId: 'no-restricted-imports',
    says: ["'react'", 'shared/', 'UI libraries'],
  },
  "shared importing 'react/jsx-runtime'": {
    file: 'shared/x.ts',
    code: "export { jsx } from 'react/jsx-runtime';\n",
    ruleId: 'no-restricted-imports',
    says: ["'react/jsx-runtime'", 'shared/', 'UI libraries'],
  },
  "shared importing '@tiptap/core'": {
    file: 'shared/x.ts',
    code: "export { Editor } from '@tiptap/core';\n",
    ruleId: 'no-restricted-imports',
    says: ["'@tiptap/core'", 'shared/', 'UI libraries'],
  },
  "shared importing 'better-sqlite3'": {
    file: 'shared/x.ts',
    code: "import Database from 'better-sqlite3';\nexport const open = (file: string) => new Database(file);\n",
    ruleId: 'no-restricted-imports',
    says: ["'better-sqlite3'", 'shared/', 'database'],
  },
  "shared importing '../electron/store'": {
    file: 'shared/x.ts',
    code: "import { openStore } from '../electron/store';\nexport const store = openStore;\n",
    ruleId: 'no-restricted-imports',
    says: ["'../electron/store'", 'shared/', 'never electron/'],
  },
  "shared importing '../renderer/app'": {
    file: 'shared/x.ts',
    code: "export { App } from '../renderer/app';\n",
    ruleId: 'no-restricted-imports',
    says: ["'../renderer/app'", 'shared/', 'never renderer/'],
  },
  "shared (nested) importing '../../electron/store'": {
    file: 'shared/citations/x.ts',
    code: "export * from '../../electron/store';\n",
    ruleId: 'no-restricted-imports',
    says: ["'../../electron/store'", 'shared/', 'never electron/'],
  },
  "shared importing '../test/fixtures/seed'": {
    file: 'shared/x.ts',
    code: "export { seed } from '../test/fixtures/seed';\n",
    ruleId: 'no-restricted-imports',
    says: ["'../test/fixtures/seed'", 'shared/', 'never test/'],
  },
  'shared using document': {
    file: 'shared/x.ts',
    code: "export const title = () => document.title;\n",
    ruleId: 'no-restricted-globals',
    says: ["'document'", 'shared/', 'DOM globals'],
  },
  'shared using window': {
    file: 'shared/x.ts',
    code: 'export const width = () => window.innerWidth;\n',
    ruleId: 'no-restricted-globals',
    says: ["'window'", 'shared/', 'DOM globals'],
  },
  'shared using globalThis.document': {
    file: 'shared/x.ts',
    code: 'export const title = () => globalThis.document.title;\n',
    ruleId: 'no-restricted-globals',
    says: ["'document'", 'shared/', 'DOM globals'],
  },
  'shared using fetch': {
    file: 'shared/x.ts',
    code: "export const load = () => fetch('/api');\n",
    ruleId: 'no-restricted-globals',
    says: ["'fetch'", 'shared/', 'I/O'],
  },
  'shared using process.env': {
    file: 'shared/x.ts',
    code: 'export const library = () => process.env.STORYDESK_LIBRARY;\n',
    ruleId: 'no-restricted-globals',
    says: ["'process'", 'shared/', 'Node globals'],
  },
  'shared using a dynamic import()': {
    file: 'shared/x.ts',
    code: "export const load = () => import('node:fs');\n",
    ruleId: 'no-restricted-syntax',
    says: ['shared/', 'static imports'],
  },
  "renderer importing '../electron/service'": {
    file: 'renderer/x.tsx',
    code: "import { createService } from '../electron/service';\nexport const service = createService;\n",
    ruleId: 'no-restricted-imports',
    says: ["'../electron/service'", 'renderer/', 'never electron/'],
  },
  "renderer importing 'node:fs'": {
    file: 'renderer/x.tsx',
    code: "import { readFileSync } from 'node:fs';\nexport const read = (file: string) => readFileSync(file, 'utf8');\n",
    ruleId: 'no-restricted-imports',
    says: ["'node:fs'", 'renderer/', 'Node built-ins'],
  },
  "renderer importing 'electron'": {
    file: 'renderer/x.tsx',
    code: "import { ipcRenderer } from 'electron';\nexport const send = ipcRenderer.send;\n",
    ruleId: 'no-restricted-imports',
    says: ["'electron'", 'renderer/', 'Electron'],
  },
  "renderer importing 'better-sqlite3'": {
    file: 'renderer/x.tsx',
    code: "import Database from 'better-sqlite3';\nexport const open = (file: string) => new Database(file);\n",
    ruleId: 'no-restricted-imports',
    says: ["'better-sqlite3'", 'renderer/', 'database'],
  },
  'renderer using process.env': {
    file: 'renderer/x.tsx',
    code: 'export const library = () => process.env.STORYDESK_LIBRARY;\n',
    ruleId: 'no-restricted-globals',
    says: ["'process'", 'renderer/', 'no Node'],
  },
  "electron importing '../renderer/app'": {
    file: 'electron/x.ts',
    code: "import { App } from '../renderer/app';\nexport const app = App;\n",
    ruleId: 'no-restricted-imports',
    says: ["'../renderer/app'", 'electron/', 'never renderer/'],
  },
  "electron (nested) importing '../../renderer/app'": {
    file: 'electron/store/x.ts',
    code: "export { App } from '../../renderer/app';\n",
    ruleId: 'no-restricted-imports',
    says: ["'../../renderer/app'", 'electron/', 'never renderer/'],
  },
};

const allowed: Record<string, { file: string; code: string }> = {
  "shared importing 'zod'": {
    file: 'shared/x.ts',
    code: "import { z } from 'zod';\nexport const Title = z.string().min(1);\n",
  },
  "shared importing './model'": {
    file: 'shared/x.ts',
    code: "import { StorySchema } from './model';\nexport const Story = StorySchema;\n",
  },
  "shared importing './path' (a file, not the built-in)": {
    file: 'shared/x.ts',
    code: "export { join } from './path';\n",
  },
  'shared using portable globals (URL, TextEncoder, console)': {
    file: 'shared/x.ts',
    code: "export const bytes = (text: string) => new TextEncoder().encode(new URL(text).href);\nconsole.log(bytes('https://example.org/'));\n",
  },
  "electron importing '../shared/model'": {
    file: 'electron/x.ts',
    code: "import { StorySchema } from '../shared/model';\nexport const Story = StorySchema;\n",
  },
  "electron importing 'node:fs'": {
    file: 'electron/x.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const read = (file: string) => readFileSync(file, 'utf8');\n",
  },
  "electron importing 'better-sqlite3'": {
    file: 'electron/x.ts',
    code: "import Database from 'better-sqlite3';\nexport const open = (file: string) => new Database(file);\n",
  },
  "renderer importing '../shared/api'": {
    file: 'renderer/x.tsx',
    code: "import { ListStoriesRequestSchema } from '../shared/api';\nexport const request = ListStoriesRequestSchema;\n",
  },
  "renderer importing 'react'": {
    file: 'renderer/x.tsx',
    code: "import { useState } from 'react';\nexport function Counter() {\n  const [count] = useState(0);\n  return <output>{count}</output>;\n}\n",
  },
  'renderer using document': {
    file: 'renderer/x.tsx',
    code: "export const title = () => document.title;\n",
  },
};

describe('layering rule: crossing a layer boundary fails', () => {
  it.each(Object.entries(violations))('%s', async (_name, { file, code, ruleId, says }) => {
    const messages = await lintAs(file, code);
    // Exactly one problem: the layering one. Any other finding means the sample is not clean.
    expect(messages.map((message) => `${message.ruleId}: ${message.message}`)).toHaveLength(1);
    const [problem] = messages;
    expect(problem?.ruleId).toBe(ruleId);
    expect(problem?.severity).toBe(2);
    for (const words of says) expect(problem?.message).toContain(words);
  });
});

describe('layering rule: imports along the layers pass', () => {
  it.each(Object.entries(allowed))('%s', async (_name, { file, code }) => {
    expect(await lintAs(file, code)).toEqual([]);
  });
});
