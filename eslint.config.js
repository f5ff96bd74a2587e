import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'examples/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use string unions, not enums.' }],
    },
  },
  {
    // Spread arguments live on the call stack: past ~120,000 items (an inventory, a tag list) they throw RangeError.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use string unions, not enums.' },
        ...[
          "CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement",
          "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          "CallExpression[callee.property.name=/^(fromCharCode|fromCodePoint)$/] > SpreadElement",
        ].map((selector) => ({ selector, message: 'Spread arguments overflow the stack on long arrays: use pushAll / maxOf / minOf from src/core/collections.ts, or a loop.' })),
      ],
    },
  },
  {
    // Every skip says what it needs, for the test summary to list: skipWhen(reason) from src/test-support/skip.ts.
    files: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test', 'suite'].flatMap((object) =>
          ['skip', 'skipIf', 'runIf', 'todo'].map((property) => ({ object, property, message: 'Skip with skipWhen(reason) from src/test-support/skip.ts: the summary lists the reason.' })),
        ),
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: globals.node },
  },
);
