// ESLint for Rondo's TypeScript (src, test, sample-app): typescript-eslint's recommended
// and type-checked rules, with the few that do not fit this codebase changed (each says why).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

export default tseslint.config(
  { ignores: ['dist/**', '**/node_modules/**', 'bench/**', 'lint/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'sample-app/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      // Optional parts (TypeORM, ioredis, argon2, jose, ...) load with require() where first used,
      // so an app that does not use them never loads them.
      '@typescript-eslint/no-require-imports': 'off',
      // TypeORM takes entities and migrations as `Function`; so do the app parts that pass them on.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Async methods that do not await implement async contracts (a store, a hook), and a throw
      // inside them must become a rejection, not a synchronous exception.
      '@typescript-eslint/require-await': 'off',
      // A caught value is rethrown as it is (`unknown`): wrapping it would hide its class.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true, allowRethrowing: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Input filters match control characters on purpose (paths, file names, header values).
      'no-control-regex': 'off',
      // Thrown values and log arguments are `unknown`; String() of them is the deliberate last resort.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Tests read response bodies as JSON of any shape (as fetch's Response.json() does) and assert on them.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
