import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runJson } from './helpers.js';
import { FIT_DEFAULTS, fit } from '../../src/training/fit.js';
import { fitParallel } from '../../src/training/parallel.js';

describe('rethink figure1', () => {
  test('every randomization is fitted; test error is near chance for random labels and low for true labels; files are written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rethink-fig1-'));
    const r = await runJson(['figure1', '--n', '200', '--test-n', '500', '--ps', '1,0,1', '--epochs', '120', '--backend', 'wasm', '--threads', '2', '--seed', '2', '--out', out]);
    const runs = r.runs as { run: string; trainError: number; testError: number; relativeTimeToFit: number | null; lossCurve: [number, number][] }[];
    expect(runs.map((x) => x.run)).toEqual(['p=0', 'p=1', 'shuffled-pixels', 'random-pixels', 'gaussian']);
    for (const x of runs) expect(x.trainError).toBe(0);
    expect(runs[0]!.relativeTimeToFit).toBe(1);
    expect(runs[1]!.relativeTimeToFit!).toBeGreaterThan(1); // random labels take longer (Fig. 1b)
    expect(runs[0]!.testError).toBeLessThan(0.35);
    expect(runs[1]!.testError).toBeGreaterThan(0.75);
    for (const f of ['figure1.csv', 'figure1a.svg', 'figure1bc.svg', 'p1/summary.json', 'gaussian/metrics.csv']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'figure1a.svg'), 'utf8')).toMatch(/<polyline[^>]+points="[\d., ]+"/);
    expect(readFileSync(join(out, 'figure1.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
  });

  test('a run in a worker thread gives exactly the numbers of the same run in-process', async () => {
    const config = { ...FIT_DEFAULTS, data: 'mnist', n: 100, testN: 200, model: 'mlp-1x512' as const, randomization: 'random-labels' as const, backend: 'wasm' as const, epochs: 5, seed: 8, out: null };
    const [threaded] = await fitParallel([config], 1);
    const local = await fit(config);
    expect(threaded!.history.map((h) => h.loss)).toEqual(local.history.map((h) => h.loss));
    expect(threaded!.testError).toBe(local.testError);
  });
});
