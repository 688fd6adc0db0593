import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One fast-check seed per run, printed here and handed to every test worker, so any failing
// property can be replayed with `FC_SEED=<seed> npm test`. CI pins it through .ci/run.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
console.log(`fast-check seed: ${seed}  (replay: FC_SEED=${seed} npm test)`);

export default defineConfig({
  // The README's examples import the package by name: point it at the sources (no build needed).
  resolve: {
    alias: [
      { find: /^rethink$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^rethink\/vitest$/, replacement: fileURLToPath(new URL('./src/vitest/index.ts', import.meta.url)) },
      { find: /^rethink\/experiments$/, replacement: fileURLToPath(new URL('./src/experiments/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'proofs/**/*.proof.ts', 'examples/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    // One wasm thread per test process (the forks already share the cores out); the threaded engine
    // is tested by test/engine/wasm-threads.test.ts in processes of its own.
    env: { FC_SEED: String(seed), RETHINK_WASM_THREADS: '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
