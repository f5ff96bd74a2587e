import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, top first: a module imports its own folder and the folders of the rows below its
 * own, never a row above or a sibling in its row (the README's "Architecture" states the same order).
 * Test files (`*.test.ts`, `test-*.ts`, `src/test-support/`) may import any layer.
 */
const layers = [
  ['cli'],
  ['demo'],
  ['serve'],
  ['jobs'],
  ['store'],
  ['report'],
  ['lifecycle'],
  ['buildtime', 'distribute', 'runtime', 'host'],
  ['vuln', 'secrets'],
  ['inventory'],
  ['image', 'rules'],
  ['core'],
];

/** The deepest file under a layer's folder the rules below reach (`src/<layer>/a/b/…/x.ts`); src/core/layers.test.ts fails on a module out of reach. */
const maxLayerDepth = 6;

const testFiles = ['src/**/*.test.ts', 'src/**/test-*.ts', 'src/test-support/**'];

// Test helpers: the test-support folder and `test-*` modules; none of them ships (tsconfig.build.json).
const testSupportImports = [
  { regex: '(^|/)test-support/', message: 'Production code does not import test support (src/test-support/).' },
  { regex: '(^|/)test-[^/]*$', message: 'Production code does not import test helpers (test-*.ts).' },
];

// One block per layer folder and file depth, so that a relative import is matched exactly: from
// src/<layer>/a/x.ts, `../../<folder>/` is src/<folder>/ (depth 2), while `../<folder>/` stays inside <layer>.
function layerBlocks() {
  return layers.flatMap((row, rank) => {
    const allowed = new Set(layers.slice(rank).flat());
    const forbidden = layers.flat().filter((folder) => !allowed.has(folder) || (row.includes(folder) && row.length > 1));
    return row.flatMap((layer) => {
      const above = forbidden.filter((folder) => folder !== layer);
      return Array.from({ length: maxLayerDepth }, (_, index) => {
        const depth = index + 1;
        return {
          files: [`src/${layer}/${'*/'.repeat(depth - 1)}*.ts`],
          ignores: testFiles,
          rules: {
            'no-restricted-imports': [
              'error',
              {
                patterns: [
                  ...above.map((folder) => ({
                    regex: `^(\\.\\./){${depth}}${folder}(/|$)`,
                    caseSensitive: true,
                    message: `src/${layer}/ may import only its own folder and the layers below it (eslint.config.js \`layers\`): src/${folder}/ is ${row.includes(folder) ? 'beside' : 'above'} it.`,
                  })),
                  ...testSupportImports.map((pattern) => ({ ...pattern, caseSensitive: true })),
                ],
              },
            ],
          },
        };
      });
    });
  });
}

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
          'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement',
          "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          'CallExpression[callee.property.name=/^(fromCharCode|fromCodePoint)$/] > SpreadElement',
        ].map((selector) => ({
          selector,
          message: 'Spread arguments overflow the stack on long arrays: use pushAll / maxOf / minOf from src/core/collections.ts, or a loop.',
        })),
        ...[
          "BinaryExpression[operator='+'] > TaggedTemplateExpression[tag.name='html']",
          "AssignmentExpression[operator='+='] > TaggedTemplateExpression[tag.name='html']",
        ].map((selector) => ({
          selector,
          message: 'html`…` + text makes a plain string, which a later html`${…}` escapes as text: put it all in one html`…` (or joinHtml).',
        })),
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
          ['skip', 'skipIf', 'runIf', 'todo'].map((property) => ({
            object,
            property,
            message: 'Skip with skipWhen(reason) from src/test-support/skip.ts: the summary lists the reason.',
          })),
        ),
      ],
    },
  },
  ...layerBlocks(),
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: globals.node },
  },
);
