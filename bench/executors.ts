import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, type Bench } from './harness.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'rethink.js');

/** 16 tiny runs: Figure 1c's MLP on 30 synthetic images, 3 epochs, 4 corruption levels × 4 seeds. */
const PLAN = ['--only', 'fig1c', '--data', 'synthetic', '--set', 'n=30', '--set', 'epochs=3', '--set', 'ps=0,0.25,0.5,1', '--set', 'seeds=1,2,3,4', '--set', 'testN=40'];

/** Wall time of `rethink <args>` in a fresh process (ms); a non-zero exit other than 1 (claims not confirmed) is an error. */
function timed(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: rethink ${args.join(' ')} exited ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  return ms;
}

/** Whether a Slurm cluster answers here, and its CPUs (the tasks it runs at once). */
function slurm(): { cpus: number } | string {
  try {
    if (!/is UP/.test(execFileSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 10_000 }))) return 'slurmctld does not answer';
    const c = execFileSync('sinfo', ['-h', '-o', '%C'], { encoding: 'utf8' }).trim(); // allocated/idle/other/total
    return { cpus: Number(c.split('/')[3]) };
  } catch (err) {
    return `no Slurm cluster (${(err as Error).message.split('\n')[0]}); bash .ci/slurm.sh starts one`;
  }
}

/**
 * The Slurm executor's cost: a 16-run tiny plan on the local worker pool (`--jobs` = the cores) and
 * as one job array on a one-node Slurm cluster with as many CPUs (`--wait`, polling every 250 ms),
 * and one `rethink run --index i` process alone. The overhead per run is the extra slot time each
 * run costs on Slurm: (T_slurm − T_local) × slots / runs — a fresh Node process and TensorFlow.js per
 * task, plus scheduling (target ≤ 2 s). Needs dist/ (npm run build) and, for the Slurm part, a
 * cluster (bash .ci/slurm.sh).
 */
export const executorsBench: Bench = {
  description: 'executors: a 16-run tiny plan on the local pool vs a one-node Slurm cluster (job array), overhead per run',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const tmp = mkdtempSync(join(tmpdir(), 'rethink-bench-executors-'));
    try {
      const cluster = slurm();
      const slots = typeof cluster === 'string' ? cpus().length : Math.min(cluster.cpus, cpus().length);
      const local = timed(['reproduce', ...PLAN, '--jobs', String(slots), '--out', join(tmp, 'local')]);
      rows.push({ measure: `local pool, ${slots} workers, 16 runs: wall (s)`, value: Number((local / 1000).toFixed(2)), load1: Number(loadavg()[0]!.toFixed(2)) });
      timed(['reproduce', ...PLAN, '--plan-only', '--out', join(tmp, 'alone')]);
      const alone = [0, 1].map((i) => timed(['run', '--plan', join(tmp, 'alone', 'plan.json'), '--index', String(i)]));
      const one = Math.min(...alone);
      rows.push({ measure: 'one run alone, rethink run --index i in a fresh process (s)', value: Number((one / 1000).toFixed(2)), load1: Number(loadavg()[0]!.toFixed(2)) });
      if (typeof cluster === 'string') {
        notes.push(`Slurm part skipped: ${cluster}`);
        return { rows, notes };
      }
      const onSlurm = timed(['reproduce', ...PLAN, '--executor', 'slurm', '--wait', '--out', join(tmp, 'slurm')], { RETHINK_POLL_MS: '250' });
      rows.push({ measure: `Slurm job array, one node of ${cluster.cpus} CPUs, 16 tasks: wall (s)`, value: Number((onSlurm / 1000).toFixed(2)), load1: Number(loadavg()[0]!.toFixed(2)) });
      const same = readFileSync(join(tmp, 'slurm', 'results.json'), 'utf8') === readFileSync(join(tmp, 'local', 'results.json'), 'utf8');
      if (!same) throw new Error('bench: the Slurm results.json differs from the local one');
      const perRun = ((onSlurm - local) * slots) / 16;
      rows.push({ measure: 'overhead per run: (T_slurm − T_local) × slots / 16 (s)', value: Number((perRun / 1000).toFixed(2)), load1: Number(loadavg()[0]!.toFixed(2)) });
      notes.push(`the same results.json from both (byte for byte); Slurm adds ${(perRun / 1000).toFixed(2)} s of slot time per run (target ≤ 2 s): a fresh Node process with TensorFlow.js per task (a run alone in its own process takes ${(one / 1000).toFixed(2)} s end to end), the batch script and scheduling; polled every 250 ms`);
      return {
        rows,
        notes,
        comparisons: [
          compare('16-run tiny plan, wall time: Slurm job array vs local pool', 's', Number((onSlurm / 1000).toFixed(2)), Number((local / 1000).toFixed(2)), `local pool (${slots} workers)`),
          compare('overhead per run on Slurm', 's', Number((perRun / 1000).toFixed(2)), null, null, '≤ 2 s'),
        ],
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
