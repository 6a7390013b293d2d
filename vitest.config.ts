import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One engine and real mounts: files run one after another, tests inside a file may be concurrent.
          fileParallelism: false,
          globalSetup: ['test/helpers/e2e-global-setup.ts'],
        },
      },
    ],
  },
});
