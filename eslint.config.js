// ESLint for orchestrate's own code: a few type-aware rules that catch real bugs, and the house rules of AGENTS.md
// written where the code can check them. Formatting is Prettier's (`pnpm lint` runs both; see .prettierrc).
import tseslint from 'typescript-eslint';

/** Files that are ours to lint: examples/ and test/fixtures/ are repositories that runs are pointed at, not our code. */
const IGNORES = ['**/node_modules/', '**/dist/', 'examples/', 'test/fixtures/', 'bench-out/', '.orchestrate/', 'coverage/'];

/** Where processes may be started and git run: the repo package, and the tests and scripts that set up real repos. */
const MAY_START_PROCESSES = ['packages/repo/**', 'test/**', 'packages/*/test/**', 'apps/*/test/**', 'scripts/**'];
const MAY_START_PROCESSES_TOO = ['apps/*/scripts/**', 'apps/cli/bin/**', '*.config.*'];

const PROCESS_MESSAGE = 'only packages/repo starts processes or runs git (AGENTS.md, "Packages"): add a helper there';
/** `no-restricted-imports` entries for the modules that start processes. */
const NO_PROCESSES = {
  paths: ['node:child_process', 'child_process', 'execa', 'simple-git'].map((name) => ({ name, message: PROCESS_MESSAGE })),
  patterns: [{ group: ['execa/*', 'simple-git/*'], message: PROCESS_MESSAGE }],
};

const APP_MESSAGE = 'apps import only the public entries of @orchestrate/engine and @orchestrate/core (AGENTS.md, "Shells")';
/** What an app (a shell) may not import: another package, a package's insides, or a package's files by path. */
const APP_PATTERNS = [
  { group: ['@orchestrate/*', '!@orchestrate/engine', '!@orchestrate/core'], message: APP_MESSAGE },
  { group: ['@orchestrate/*/*'], message: APP_MESSAGE },
  { group: ['**/packages/*/src/**', '**/packages/*/src'], message: APP_MESSAGE },
];

const DEEP_MESSAGE = "import a package by its name and exports (package.json), never its src/ files";
const NO_DEEP = { group: ['@orchestrate/*/src', '@orchestrate/*/src/**'], message: DEEP_MESSAGE };

export default tseslint.config(
  { ignores: IGNORES },
  {
    files: ['**/*.{ts,mts,js,mjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // Prettier wraps code at 120; what it cannot wrap (a long string, a URL, a regular expression) may pass 140.
      'max-len': [
        'error',
        {
          code: 140,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
      'no-restricted-imports': ['error', { ...NO_PROCESSES, patterns: [...NO_PROCESSES.patterns, NO_DEEP] }],
    },
  },
  {
    files: [...MAY_START_PROCESSES, ...MAY_START_PROCESSES_TOO],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEEP] }] },
  },
  {
    files: ['apps/*/src/**'],
    rules: {
      'no-restricted-imports': ['error', { ...NO_PROCESSES, patterns: [...NO_PROCESSES.patterns, ...APP_PATTERNS] }],
    },
  },
  {
    files: ['**/*.{ts,mts}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests fake SDK objects and wire payloads: `any` is allowed there.
    files: ['test/**', '**/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
