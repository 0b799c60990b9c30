// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Ignored as .gitignore does: build output, generated reports and scratch (.prof/ holds local profiling scripts).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'snapshots/**', 'reports/**', 'test-artifacts/**', 'bench/out/**', 'sgaudit-demo/**', '.prof/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Module boundaries from DESIGN.md: the model imports nothing of the project,
      // analyze and report never reach into collect.
    },
  },
  {
    files: ['src/analyze/**', 'src/report/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/collect/**', '**/emulator/**', '@alicloud/*'], message: 'analyze and report read the snapshot model only' }] }],
    },
  },
  {
    files: ['src/model/**'],
    rules: {
      // util/ is a leaf too (atomic writes, logging): the model may use it, nothing else.
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!util/)', message: 'model imports nothing of the project but util/' }] }],
    },
  },
  {
    files: ['src/emulator/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/collect/**'], message: 'the emulator shares no wire-format code with the collector' }] }],
    },
  },
);
