// ESLint for orchestrate's own code: a few type-aware rules that catch real bugs, and the house rules of AGENTS.md
// written where the code can check them. Formatting is Prettier's (`pnpm lint` runs both; see .prettierrc).
import tseslint from 'typescript-eslint';

/**
 * Not ours to lint: examples/demo-repo/ and test/fixtures/ are repositories that runs are pointed at; the rest is
 * generated. The other examples (examples/agents-sdk) are our code and are linted.
 */
const IGNORES = [
  '**/node_modules/',
  '**/dist/',
  'examples/demo-repo/',
  'test/fixtures/',
  'bench-out/',
  '.orchestrate/',
];

const PROCESS_MESSAGE = 'only packages/repo starts processes or runs git (AGENTS.md, "Packages"): add a helper there';
/** The modules that start processes or run git. */
const PROCESS_MODULES = ['node:child_process', 'child_process', 'execa', 'simple-git'];
const PROCESS_PATHS = PROCESS_MODULES.map((name) => ({ name, message: PROCESS_MESSAGE }));
const PROCESS_PATTERNS = [{ group: ['execa/*', 'simple-git/*'], message: PROCESS_MESSAGE }];

const DEEP_MESSAGE = 'import another package by its name and its package.json exports, never by its src/ files';
const DEEP_PATTERN = { group: ['@orchestrate/*/src', '@orchestrate/*/src/**'], message: DEEP_MESSAGE };
/** Also another package's files by relative path (`../../repo/src/git.js`): tests may, package and app code not. */
const PACKAGES = ['core', 'repo', 'agents', 'jobs', 'report-html', 'engine'];
const RELATIVE_PATTERN = {
  group: [...DEEP_PATTERN.group, '**/packages/**', ...PACKAGES.flatMap((p) => [`**/${p}/src`, `**/${p}/src/**`])],
  message: DEEP_MESSAGE,
};

/**
 * What each package and app may import of the others (AGENTS.md, "Packages"): the dependency graph, lowest first.
 * `processes` says whether it may start processes. Tests, scripts and bin files may do both (they set up real repos).
 */
const LAYERS = [
  // A new package imports nothing until it has its line here (and in AGENTS.md).
  { files: ['packages/*/src/**'], may: [], processes: false },
  { files: ['packages/core/src/**'], may: [], processes: false },
  { files: ['packages/repo/src/**'], may: ['core'], processes: true },
  { files: ['packages/agents/src/**'], may: ['core'], processes: false },
  { files: ['packages/jobs/src/**'], may: ['core', 'repo'], processes: false },
  { files: ['packages/report-html/src/**'], may: ['core'], processes: false },
  { files: ['packages/engine/src/**'], may: ['core', 'repo', 'jobs', 'agents', 'report-html'], processes: false },
  // Shells (the CLI, the Action, the MCP server) use the engine's and core's public entries only.
  { files: ['apps/*/src/**'], may: ['core', 'engine'], processes: false, shell: true },
];

/** The `no-restricted-imports` options of one layer. */
function restrictions({ may, processes, shell = false }) {
  const others = { group: ['@orchestrate/*', ...may.map((name) => `!@orchestrate/${name}`)] };
  others.message = shell
    ? 'apps import only the public entries of @orchestrate/engine and @orchestrate/core (AGENTS.md, "Shells")'
    : `this package may import only ${may.map((name) => `@orchestrate/${name}`).join(', ') || 'no other package'}` +
      ' (AGENTS.md, "Packages")';
  const patterns = [others, RELATIVE_PATTERN];
  // A shell takes a package's main entry only, not even a published subpath (`@orchestrate/agents/batch`).
  if (shell) patterns.push({ group: ['@orchestrate/*/*'], message: others.message });
  return processes ? { patterns } : { paths: PROCESS_PATHS, patterns: [...PROCESS_PATTERNS, ...patterns] };
}

export default tseslint.config(
  { ignores: IGNORES },
  {
    files: ['**/*.{ts,mts,js,mjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Prettier wraps code at 120; what it cannot wrap (a long string, a URL, a regular expression) may pass 140.
      // Comments are not wrapped by Prettier: they count. (Core `max-len` is deprecated, and kept until ESLint 11.)
      'max-len': [
        'error',
        { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
      'no-restricted-imports': ['error', { patterns: [DEEP_PATTERN] }],
    },
  },
  ...LAYERS.map((layer) => ({
    files: layer.files,
    rules: { 'no-restricted-imports': ['error', restrictions(layer)] },
  })),
  {
    files: ['**/*.{ts,mts}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
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
