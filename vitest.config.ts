import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests never reach a real server: only 127.0.0.1 and nock.
    env: { NO_COLOR: '1' },
  },
});
