import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compare, type Bench } from './harness.js';

const bin = join(import.meta.dirname, '..', 'bin', 'rethink.js');

/** Median wall time of `runs` spawns of `node args…`, in ms, and the last run's stdout. */
function spawnTimed(args: string[], runs: number): { ms: number; stdout: string } {
  const times: number[] = [];
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    stdout = r.stdout;
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(times.length / 2)]!), stdout };
}

/**
 * Start-up: `rethink --help` and a command's help load no math library or TensorFlow.js (target
 * ≤ 300 ms; reference: a bare `node -e ''` in the same run), and the main job's wall time against
 * the work it reports — data load + construct + certify (target ≤ 2×).
 */
export const startupBench: Bench = {
  description: 'CLI start-up (help) and the main job\'s wall time against its own work',
  async run() {
    const node = spawnTimed(['-e', ''], 7);
    const help = spawnTimed([bin, '--help'], 7);
    const fitHelp = spawnTimed([bin, 'fit', '--help'], 7);
    const main = spawnTimed([bin, 'expressivity', '--data', 'mnist', '--randomization', 'random-labels', '--seed', '1', '--json'], 3);
    const r = JSON.parse(main.stdout) as { dataLoadMs: number; constructMs: number; certifyMs: number };
    const work = r.dataLoadMs + r.constructMs + r.certifyMs;
    const rows = [
      { case: 'node -e \'\' (reference)', wallMs: node.ms, targetMs: null, ratio: null },
      { case: 'rethink --help', wallMs: help.ms, targetMs: 300, ratio: help.ms / node.ms },
      { case: 'rethink fit --help', wallMs: fitHelp.ms, targetMs: 300, ratio: fitHelp.ms / node.ms },
      { case: 'main job (expressivity, full MNIST)', wallMs: main.ms, targetMs: Math.round(2 * work), ratio: main.ms / work },
    ];
    return {
      rows,
      comparisons: [
        compare('rethink --help, wall (median of 7)', 'ms', help.ms, node.ms, "bare node -e ''", '≤ 300 ms'),
        compare('rethink fit --help, wall (median of 7)', 'ms', fitHelp.ms, node.ms, "bare node -e ''", '≤ 300 ms'),
        compare('main job (expressivity, full MNIST), wall (median of 3)', 'ms', main.ms, Math.round(work), 'its reported work: data load + construct + certify', '≤ 2× the work'),
        compare('main job: data load', 'ms', Math.round(r.dataLoadMs), null, null),
      ],
      notes: [
        `ratio: help against a bare node start; main job against its reported work (data load ${Math.round(r.dataLoadMs)} + construct ${Math.round(r.constructMs)} + certify ${Math.round(r.certifyMs)} ms)`,
      ],
    };
  },
};
