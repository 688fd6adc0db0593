import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { startBackend } from '../../src/engine/backend.js';
import { lossesOn } from '../helpers/training.js';
import { runJson } from './helpers.js';

const bin = join(import.meta.dirname, '../../bin/rethink.js');
const tmp = mkdtempSync(join(tmpdir(), 'rethink-fit-'));

/**
 * Whether the native backend starts here: true where npm could install @tensorflow/tfjs-node (an
 * optional dependency with a native library), else the reason it did not.
 */
const native: true | string = await startBackend('tensorflow').then(
  () => true as const,
  (e: Error) => e.message,
);

function fails(args: string[]): string {
  const r = spawnSync('node', [bin, ...args], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  return r.stderr;
}

describe('rethink fit', () => {
  test.each([
    [['--n', '100', '--p', '0.5'], /^rethink fit: error: --p is for --randomization corrupt-labels \(got true-labels\)$/],
    [['--randomization', 'corrupt-labels'], /^rethink fit: error: --randomization corrupt-labels needs --p/],
    [['--data-dir', '/tmp'], /^rethink fit: error: --data-dir is for --data cifar10 \(got --data mnist\)$/],
    [['--n', '60001'], /^rethink fit: error: --n 60001: the mnist training split has 60000 points; choose 1 … 60000 or all$/],
    [['--test-n', '10001'], /^rethink fit: error: --test-n 10001: the mnist test split has 10000 points/],
    [['--data', 'cifar10'], /^rethink fit: error: cifar10: no directory given; pass --data-dir DIR/],
  ])('bad input %j is refused in one line, before the seed or any other line is printed', (args, message) => {
    expect(fails(['fit', ...(args as string[]), '--seed', '1']).trim()).toMatch(message as RegExp);
  });

  test('--json reports the documented fields; files are written; --resume continues the run', async () => {
    const out = join(tmp, 'run');
    const args = ['fit', '--data', 'mnist', '--n', '200', '--test-n', '500', '--model', 'mlp-1x512', '--randomization', 'corrupt-labels', '--p', '0.5', '--backend', 'wasm', '--seed', '4', '--out', out];
    const first = await runJson([...args, '--epochs', '2', '--checkpoint-every', '0']);
    for (const key of ['backend', 'threads', 'model', 'parameterCount', 'randomization', 'p', 'labelsChanged', 'n', 'epochs', 'steps', 'stepsToFit', 'trainError', 'testError', 'history', 'seed', 'wallMs', 'provenance']) {
      expect(first).toHaveProperty(key);
    }
    expect(first).toMatchObject({ backend: 'wasm', threads: Number(process.env.RETHINK_WASM_THREADS ?? 1), model: 'mlp-1x512', parameterCount: 407_050, randomization: 'corrupt-labels', p: 0.5, n: 200, epochs: 2, steps: 4, seed: 4 });
    expect(first.labelsChanged as number).toBeGreaterThan(0.3);
    expect(first.labelsChanged as number).toBeLessThan(0.6);
    const history = first.history as { epoch: number; steps: number; loss: number; trainError: number; ms: number }[];
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    for (const name of ['config.json', 'metrics.csv', 'checkpoint.bin', 'checkpoint.prev.bin', 'summary.json']) expect(existsSync(join(out, name))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ seed: 4, model: 'mlp-1x512', p: 0.5 });
    // --resume takes the run's settings from config.json: only the new budget is given.
    const resumed = await runJson(['fit', '--out', out, '--epochs', '3', '--resume']);
    expect(resumed).toMatchObject({ resumed: true, epochs: 3, steps: 6 });
    expect((resumed.history as typeof history).slice(0, 2)).toEqual(history);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    // A resume with other settings is refused, naming the field.
    const changed = await import('../../src/cli/main.js').then(async ({ main }) => {
      const { memoryOutput } = await import('../../src/cli/output.js');
      return main([...args.map((a) => (a === '0.5' ? '0.4' : a)), '--resume', '--json'], memoryOutput());
    });
    expect(changed).toBe(2);
  });

  test('bad input gets one line naming the problem and the fix', () => {
    expect(fails(['fit', '--model', 'vgg'])).toMatch(/--model 'vgg' is not one of mlp-1x512, mlp-3x512, small-alexnet, small-inception, small-inception-no-bn/);
    expect(fails(['fit', '--randomization', 'noise'])).toMatch(/--randomization 'noise' is not one of true-labels/);
    expect(fails(['fit', '--backend', 'tpu'])).toMatch(/--backend 'tpu' is not one of auto, tensorflow, wasm, webgpu, cpu/);
    expect(fails(['fit', '--randomization', 'corrupt-labels', '--p', '1.5', '--seed', '1'])).toMatch(/--p 1.5: must be a number in \[0, 1\]/);
    expect(fails(['fit', '--randomization', 'corrupt-labels', '--seed', '1'])).toMatch(/needs --p/);
    expect(fails(['fit', '--resume'])).toMatch(/--resume needs --out DIR/);
    expect(fails(['fit', '--data', 'cifar10', '--seed', '1'])).toMatch(/cifar10: no directory given; pass --data-dir DIR/);
    expect(fails(['fit', '--epochs', '0', '--seed', '1'])).toMatch(/--epochs 0: must be an integer in \[1, 1000000\]/);
    expect(fails(['fit', '--bogus'])).toMatch(/unknown flag --bogus/);
    expect(fails(['fit', '--threads', '9'])).toMatch(/--threads 9: must be an integer in \[1, 8\]/);
    const badEnv = spawnSync('node', [bin, 'fit', '--n', '10', '--epochs', '1', '--seed', '1'], { encoding: 'utf8', env: { ...process.env, RETHINK_WASM_THREADS: 'abc' } });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toMatch(/RETHINK_WASM_THREADS must be a whole number from 1 to 8 \(threads of the wasm engine\), got 'abc'/);
  });

  test.runIf(native !== true)('where @tensorflow/tfjs-node does not load, --backend tensorflow is refused with the reason and the backends that work', () => {
    console.warn(`@tensorflow/tfjs-node does not load here, so the native backend's training test is skipped: ${String(native)}`);
    expect(fails(['fit', '--backend', 'tensorflow', '--seed', '1', '--n', '10'])).toMatch(
      /backend 'tensorflow' cannot start: @tensorflow\/tfjs-node is not installed or its native library did not load .*Backends that start on every machine: wasm, cpu/,
    );
  });

  test.skipIf(native !== true)('where @tensorflow/tfjs-node loads, three training steps on tensorflow give the losses of cpu, and fit runs on it', async () => {
    const mnist = loadDataset({ source: 'mnist', n: 8, seed: 1, test: false }).images('train');
    const cpu = await lossesOn('cpu', 'mlp-1x512', mnist);
    const tensorflow = await lossesOn('tensorflow', 'mlp-1x512', mnist);
    cpu.forEach((l, i) => expect(Math.abs(tensorflow[i]! - l) / l).toBeLessThan(1e-4));
    expect(new Set(cpu).size).toBe(3); // the weights did change between steps
    const r = await runJson(['fit', '--data', 'mnist', '--n', '50', '--test-n', '50', '--model', 'mlp-1x512', '--backend', 'tensorflow', '--epochs', '1', '--seed', '2']);
    expect(r).toMatchObject({ backend: 'tensorflow', epochs: 1, n: 50 });
  });

  test('rethink models --json lists the paper\'s parameter counts', () => {
    const r = JSON.parse(execFileSync('node', [bin, 'models', '--json'], { encoding: 'utf8' })) as { models: { model: string; parameterCount: number }[] };
    expect(Object.fromEntries(r.models.map((m) => [m.model, m.parameterCount]))).toEqual({
      'mlp-1x512': 1_209_866,
      'mlp-3x512': 1_735_178,
      'small-alexnet': 1_387_786,
      'small-inception': 1_649_402,
      'small-inception-no-bn': 1_649_402,
    });
  });
});
