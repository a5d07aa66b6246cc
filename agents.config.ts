import { defineConfig } from '@orchestrate/core';

// orchestrate's configuration for this repository (we use orchestrate on itself).
export default defineConfig({
  concurrency: 16,
  budgetUsd: 2,
  exclude: ['**/*.d.ts', '**/node_modules/**', 'examples/**', 'test/fixtures/**'],
});
