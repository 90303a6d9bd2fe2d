// Lint: what the compiler does not catch in an async CLI, and the layering of src/ (see
// docs/architecture.md): core is pure, cluster knows nothing of the CLI, command modules stay
// light enough for --help. test/unit/lint.test.ts proves that a violation fails.
import tseslint from 'typescript-eslint';

const NODE_IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'child_process', 'dgram'].flatMap((m) => [m, `node:${m}`]);
const TERMINAL_UI = ['commander', 'chalk', 'ora'];

/** A no-restricted-imports rule: these module names and relative paths, type-only imports allowed where said. */
function restrict(message, { names = [], layers = [], allowTypeImports = false }) {
  return [
    'error',
    {
      paths: names.map((name) => ({ name, message, allowTypeImports })),
      patterns: layers.length > 0 ? [{ group: layers.map((layer) => `**/${layer}/*`), message, allowTypeImports }] : [],
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e/**', 'test/e2e/go/**', 'test/fixtures/**', 'test/golden/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/test return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict('src/core is pure: no I/O, no CLI, no cluster access (see docs/architecture.md).', {
        names: [...NODE_IO, ...TERMINAL_UI, '@kubernetes/client-node'],
        layers: ['cli', 'cluster', 'commands', 'run'],
        // client-node's generated models may type the objects core builds; they cost nothing at run time.
        allowTypeImports: true,
      }),
    },
  },
  {
    files: ['src/cluster/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict('src/cluster talks to clusters and knows nothing of the CLI (see docs/architecture.md).', {
        names: TERMINAL_UI,
        layers: ['cli', 'commands', 'run'],
      }),
    },
  },
  {
    files: ['src/commands/**/*.ts'],
    rules: {
      // Command modules load for --help: cluster and run code only through the dynamic import in the action.
      '@typescript-eslint/no-restricted-imports': restrict(
        'src/commands registers and completes; cluster and run code load lazily from the action (see docs/architecture.md).',
        {
          names: [...NODE_IO],
          layers: ['cluster', 'run'],
          allowTypeImports: true,
        },
      ),
    },
  },
  {
    files: ['src/run/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        'src/run observes, plans and applies; commands and terminal UI belong to src/commands and src/cli (see docs/architecture.md).',
        {
          names: TERMINAL_UI,
          layers: ['commands'],
          allowTypeImports: true,
        },
      ),
    },
  },
  {
    // The entry shim and CommonJS helpers require() on purpose (startup; recording loaded modules).
    files: ['**/*.cjs', 'bin/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
