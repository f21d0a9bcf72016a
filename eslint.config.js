// ESLint: typescript-eslint's type-checked rules on everything we write (README "Development").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The rooms of src/ and what each may import (README "Development"): a room imports only
 * rooms below it, never one above. Lowest first: errors.ts, secrets.ts, version.ts and the
 * text helpers output/inert.ts and output/json.ts (anyone may use them); api/; files/ and
 * config/; output/; plan/ (pure: no file system, no HTTP client); selection/, store/,
 * review/ and policy/; apply/ (the engine); render/ and recording/; cli/ on top.
 */
const ROOMS = [
  'api',
  'files',
  'config',
  'output',
  'plan',
  'selection',
  'store',
  'review',
  'policy',
  'apply',
  'render',
  'recording',
  'cli',
];
const TEXT = ['!**/output/inert.js', '!**/output/json.js'];
/** What each room may not import, besides every room not listed in `may`. */
const MAY = {
  api: [],
  files: [],
  config: ['files'],
  output: ['api', 'config'],
  plan: ['api'],
  selection: ['api', 'files', 'output', 'plan'],
  store: ['api', 'files', 'plan'],
  review: ['api', 'plan', 'store'],
  policy: ['api', 'config', 'files', 'output', 'plan', 'selection'],
  apply: ['api', 'plan', 'store'],
  render: ['api', 'output', 'plan', 'selection', 'store', 'review', 'apply', 'policy'],
  recording: ['api', 'config', 'files', 'output'],
};
const layering = Object.entries(MAY).map(([room, may]) => ({
  files: [`src/${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [...ROOMS.filter((r) => r !== room && !may.includes(r)).map((r) => `**/${r}/*`), ...TEXT],
            message: `src/${room}/ may import only ${may.length === 0 ? 'the lowest modules' : may.join(', ')} and the lowest modules (README "Development")`,
          },
          ...(room === 'plan'
            ? [
                {
                  group: ['node:fs', 'node:fs/*', 'fs', 'axios', '**/api/client.js'],
                  message: 'src/plan/ is pure: no file system, no HTTP client',
                },
              ]
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'bench-results/', 'reports/', 'node_modules/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layering,
  {
    // One concern per module: short files, short functions (README "Development").
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
