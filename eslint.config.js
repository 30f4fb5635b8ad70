// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layout's import boundaries (DESIGN.md, "Layout"): receivers/, lookups/ and outputs/ never
 * import each other; what they share about an external system lives in systems/<name>/, which
 * imports only lib/; lib/ imports none of them; connectors and systems use lib's public API
 * (lib/index.ts) only. Relative imports are matched by the folder they name after the leading
 * `./` and `../` steps, and `kindling/...` self-references by their subpath.
 */
const into = (folders) => `^((\\.{1,2}/)+|kindling/)(${folders.join('|')})(/|$)`;
const libInternals = {
  regex: '^(\\.{1,2}/)+lib/(?!index\\.js$)',
  message: 'import the engine through its public API, lib/index.js; export what is missing there',
};
const connectorRule = (others) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          regex: into(others),
          message:
            'receivers/, lookups/ and outputs/ do not import each other: move what they share about a system to systems/<name>/',
        },
        libInternals,
      ],
    },
  ],
});
const boundaries = [
  { files: ['receivers/**'], rules: connectorRule(['lookups', 'outputs']) },
  { files: ['lookups/**'], rules: connectorRule(['receivers', 'outputs']) },
  { files: ['outputs/**'], rules: connectorRule(['receivers', 'lookups']) },
  {
    files: ['systems/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: into(['receivers', 'lookups', 'outputs', 'analytics']),
              message:
                'systems/ imports only lib/: it holds what receivers, lookups and outputs of a system share, never one of them',
            },
            libInternals,
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: into(['receivers', 'lookups', 'outputs', 'systems', 'analytics']),
              message: 'lib/ (the engine) imports no connector, system or analytics code',
            },
          ],
        },
      ],
      // no-restricted-imports does not see import(): a dynamic import out of lib/ is refused here
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/${into(['receivers', 'lookups', 'outputs', 'systems', 'analytics']).replaceAll('/', '\\/')}/]`,
          message:
            'lib/ (the engine) imports no connector, system or analytics code, not even with import(); the one exception is lib/sql/sql-runtime.ts (CONTRIBUTING.md)',
        },
      ],
    },
  },
  // The one dynamic import from lib/ into systems/: the SQL engine (CONTRIBUTING.md, "Import boundaries").
  { files: ['lib/sql/sql-runtime.ts'], rules: { 'no-restricted-syntax': 'off' } },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.cache/',
      'bench/results/',
      'bench/baselines/**/target/',
      'test-artifacts/',
      'notebooks/',
      'docs/api/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...boundaries,
);
