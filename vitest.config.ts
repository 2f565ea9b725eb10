import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Store tests open real SQLite files; give slow disks room without hiding hangs.
    testTimeout: 30_000,
    pool: 'forks',
  },
});
