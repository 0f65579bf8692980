// Lint rules, and the layer boundaries that keep the architecture honest:
//  - shared/ is pure: no Electron, no Node built-ins, no React, no agent or UI code;
//  - renderer/ never reaches into electron/ or Node;
//  - electron/agent/ never imports 'electron' (it must run headless).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https',
  'net', 'os', 'path', 'process', 'stream', 'tls', 'url', 'util', 'worker_threads', 'zlib',
];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'resources/images/**', 'coverage/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      ['electron', 'node:*', ...nodeBuiltins, 'react', 'react-dom', 'dockerode', 'systeminformation', '**/electron/**', '**/renderer/**'],
      'shared/ is used by both the agent and the renderer: keep it free of Electron, Node, React and either side.',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        ['electron', 'node:*', ...nodeBuiltins, '**/electron/**'],
        'The renderer talks to the agent only through the API client (renderer/lib/api-client.ts).',
      ),
    },
  },
  {
    files: ['electron/agent/**/*.ts'],
    rules: restrict(['electron', 'electron/*', '**/electron/main/**', '**/electron/preload/**', '**/renderer/**'],
      'The agent is a plain Node library: Electron-only things go behind a port (electron/agent/ports.ts).'),
  },
);
