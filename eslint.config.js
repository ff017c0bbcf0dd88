// Lint rules: typescript-eslint's type-aware recommended set. Formatting is Prettier's job.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'data/', 'bench/results/', 'coverage/', 'eslint.config.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Plain JavaScript that node runs as is: the benchmark's probe and the tests' network
        // watch (preloaded into the bot's process), and the test command's checks.
        projectService: {
          allowDefaultProject: [
            'bench/probe.mjs',
            'test/helpers/net-watch.mjs',
            'test/checks.mjs',
            'src/build.mjs',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An unawaited promise in a Discord handler is a silent crash.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // Implementations of async interfaces often have nothing to await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The core knows nothing of Discord, Gemini, mem0, SQLite or pino: each SDK is used in its one
    // adapter (src/discord, src/llm, src/memory, src/storage, src/logger.ts), so that the same core
    // runs under Discord, the terminal chat and the tests.
    files: ['src/conversation/**', 'src/limits/**', 'src/ops/**', 'commands/**'],
    // The one adapter of bottleneck and ioredis, and the one of prom-client.
    ignores: ['src/limits/bottleneck-limiters.ts', 'src/ops/prometheus-metrics.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'discord.js',
                'discord.js/*',
                'mem0ai',
                'mem0ai/*',
                '@google/genai',
                '@google/genai/*',
                'better-sqlite3',
                'pino',
                'pino/*',
                'bottleneck',
                'ioredis',
                'prom-client',
                'pg',
              ],
              message:
                'The core and the commands use our own interfaces; SDKs belong in their adapter (see STYLE.md, "Each vendor SDK is imported in one place").',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bench/probe.mjs'],
    languageOptions: { globals: { process: 'readonly', setInterval: 'readonly' } },
  },
  {
    // It wraps Node functions of every shape, so its values are untyped by nature.
    files: ['test/helpers/net-watch.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
