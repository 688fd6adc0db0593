/**
 * `rethink reproduce --executor slurm` against a real one-node Slurm cluster (.ci/slurm.sh starts
 * one; CI sets RETHINK_REQUIRE_SLURM=1 once it is up). A tiny plan runs as ONE job array and gives
 * the results.json of the same plan run in-process; a task cancelled with scancel after its first
 * checkpoint is resubmitted alone by --resume and continues from that checkpoint (at most the epoch
 * in flight is lost), to the same results; sbatch's own complaint is one line; a results directory
 * whose job is still queued is refused. Without a cluster the tests say why and skip — unless
 * RETHINK_REQUIRE_SLURM is set, when that is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Submission } from '../../src/cluster/submissions.js';
import { cli } from '../cli/helpers.js';

/** Whether a cluster answers here, and if not, why. */
function clusterUp(): string | null {
  try {
    const ping = execFileSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 10_000 });
    if (!/is UP/.test(ping)) return `slurmctld does not answer (scontrol ping: ${ping.trim()})`;
    const nodes = execFileSync('sinfo', ['-h', '-N', '-o', '%t'], { encoding: 'utf8', timeout: 10_000 }).trim().split('\n');
    if (!nodes.some((s) => /^(idle|mix|alloc)/.test(s))) return `no Slurm node is up (sinfo: ${nodes.join(', ')})`;
    return null;
  } catch (err) {
    return `no Slurm cluster here (${(err as Error).message.split('\n')[0]}); start one with bash .ci/slurm.sh`;
  }
}

const why = clusterUp();
const required = process.env.RETHINK_REQUIRE_SLURM !== undefined && process.env.RETHINK_REQUIRE_SLURM !== '';
if (why !== null && !required) console.warn(`slurm tests skipped: ${why}`);

test.runIf(why !== null && required)('RETHINK_REQUIRE_SLURM is set: the one-node cluster must be up', () => {
  expect.fail(`RETHINK_REQUIRE_SLURM is set but ${why}`);
});

process.env.RETHINK_POLL_MS = '250';
const tmp = mkdtempSync(join(tmpdir(), 'rethink-slurm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(f: () => T | null | undefined, what: string, ms = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== null && v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(why !== null)(`a plan on a one-node Slurm cluster${why !== null ? ` (skipped: ${why})` : ''}`, () => {
  const flags = ['--only', 'fig1c', '--data', 'synthetic', '--set', 'n=30', '--set', 'epochs=3', '--set', 'ps=0,1', '--set', 'seeds=1,2', '--set', 'testN=40'];

  test('ONE job array, task i = run i: the merged results.json is the in-process run\'s, byte for byte', async () => {
    const local = join(tmp, 'local');
    const slurm = join(tmp, 'slurm');
    expect((await cli(['reproduce', ...flags, '--jobs', '2', '--out', local])).code).toBe(1); // 3 epochs: claims not confirmed
    const { code, out } = await cli(['reproduce', ...flags, '--executor', 'slurm', '--wait', '--out', slurm, '--json']);
    expect(out.errors).toEqual([]);
    expect(code).toBe(1);
    expect(readFileSync(join(slurm, 'results.json'), 'utf8')).toBe(readFileSync(join(local, 'results.json'), 'utf8'));
    const subs = readJson<{ submissions: Submission[] }>(join(slurm, 'submissions.json')).submissions;
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ engine: 'slurm', indices: [0, 1, 2, 3] });
    const job = subs[0]!.id;
    expect(out.jsons[0]).toMatchObject({ executor: 'slurm', job, failed: [] });
    expect(readFileSync(join(slurm, 'slurm', 'array-1.sh'), 'utf8')).toMatch(/^#SBATCH --array=0-3$/m);
    expect(readdirSync(join(slurm, 'slurm', 'logs')).sort()).toEqual([0, 1, 2, 3].map((i) => `${job}_${i}.out`)); // one array: one job id
    for (let i = 0; i < 4; i++) expect(readFileSync(join(slurm, 'slurm', 'logs', `${job}_${i}.out`), 'utf8')).toMatch(new RegExp(`rethink: run ${i} of the plan, job ${job}_${i}, on `));
    for (let i = 0; i < 4; i++) expect(out.infos.some((l) => new RegExp(`^  \\[\\d/4\\] task ${i} \\(fig1c · mlp-1x512 p=[01] seed [12]\\): fitted after`).test(l)), `task ${i}`).toBe(true);
  });

  test('a task cancelled after its first checkpoint: --resume resubmits only that run, which continues from its checkpoint to the in-process results', async () => {
    // Small AlexNet: about a second an epoch here, so the run is caught in its second or third epoch;
    // the cancel's SIGTERM makes it stop at a step boundary and write the last finished epoch.
    const slow = ['--only', 'fig1c', '--data', 'synthetic', '--set', 'model=small-alexnet', '--set', 'n=30', '--set', 'epochs=3', '--set', 'ps=1', '--set', 'seeds=1,2', '--set', 'testN=10'];
    const local = join(tmp, 'slow-local');
    const dir = join(tmp, 'slow-slurm');
    const reference = cli(['reproduce', ...slow, '--jobs', '2', '--out', local]);
    const first = cli(['reproduce', ...slow, '--executor', 'slurm', '--wait', '--out', dir]);
    const job = await until(() => (existsSync(join(dir, 'submissions.json')) ? readJson<{ submissions: Submission[] }>(join(dir, 'submissions.json')).submissions[0]?.id : null), 'the submission');
    const victim = join(dir, readJson<{ runs: { dir: string }[] }>(join(dir, 'plan.json')).runs[1]!.dir);
    const metrics = (): number => (existsSync(join(victim, 'metrics.csv')) ? readFileSync(join(victim, 'metrics.csv'), 'utf8').trim().split('\n').length - 1 : 0);
    await until(() => metrics() >= 1 || null, 'the first epoch of run 1');
    const epochsAtCancel = metrics();
    execFileSync('scancel', [`${job}_1`]);
    const { code, out } = await first;
    expect(code).toBe(1);
    expect(existsSync(join(victim, 'summary.json'))).toBe(false);
    const log = join(dir, 'slurm', 'logs', `${job}_1.out`);
    expect(out.errors.some((l) => l.includes(`task 1 (fig1c · small-alexnet p=1 seed 2): FAILED — CANCELLED`) && l.endsWith(`log ${log}`))).toBe(true);
    expect(out.errors.at(-1)).toMatch(new RegExp(`^1 of 2 tasks did not finish \\(task 1: CANCELLED, log ${log}\\); resubmit them with: rethink reproduce --only fig1c --out ${dir} --resume .* --executor slurm --wait$`));
    expect(epochsAtCancel).toBeGreaterThanOrEqual(1);

    const again = await cli(['reproduce', ...slow, '--executor', 'slurm', '--wait', '--out', dir, '--resume']);
    expect(again.out.errors).toEqual([]);
    const subs = readJson<{ submissions: Submission[] }>(join(dir, 'submissions.json')).submissions;
    expect(subs.map((s) => s.indices)).toEqual([[0, 1], [1]]); // only the cancelled run
    expect(readFileSync(join(dir, 'slurm', 'array-2.sh'), 'utf8')).toMatch(/^#SBATCH --array=1$/m);
    const resumedLog = readFileSync(join(dir, 'slurm', 'logs', `${subs[1]!.id}_1.out`), 'utf8');
    const from = Number(/continues from its checkpoint of epoch (\d+)/.exec(resumedLog)?.[1]);
    expect(from).toBeGreaterThanOrEqual(epochsAtCancel); // what was checkpointed when it was cancelled is kept: at most the epoch in flight is lost
    expect(readJson<{ resumed: boolean }>(join(victim, 'summary.json')).resumed).toBe(true);
    const history = readFileSync(join(victim, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    expect(history).toEqual([1, 2, 3]); // each epoch once
    await reference;
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe(readFileSync(join(local, 'results.json'), 'utf8'));
  });

  test('sbatch\'s own complaint in one line; a directory whose job is still queued is refused, even with --resume', async () => {
    const bad = await cli(['reproduce', ...flags, '--executor', 'slurm', '--partition', 'nosuch', '--out', join(tmp, 'bad-partition')]);
    expect(bad.out.errors).toHaveLength(1);
    expect(bad.out.errors[0]).toMatch(/^rethink reproduce: error: sbatch refused the job array: .*invalid partition specified: nosuch.* \(script .*array-1\.sh; check --partition/);
    expect(bad.code).toBe(2);
    expect(existsSync(join(tmp, 'bad-partition', 'submissions.json'))).toBe(false);

    const dir = join(tmp, 'held');
    const held = await cli(['reproduce', ...flags, '--executor', 'slurm', '--sbatch', 'begin=now+1hour', '--out', dir, '--json']);
    expect(held.code).toBe(0);
    const job = (held.out.jsons[0] as { job: string }).job;
    try {
      const twice = await cli(['reproduce', ...flags, '--executor', 'slurm', '--out', dir]);
      expect(twice.code).toBe(2);
      expect(twice.out.errors[0]).toMatch(/already holds this plan's runs; continue them with --resume/);
      for (const executor of ['slurm', 'local']) {
        const r = await cli(['reproduce', ...flags, '--executor', executor, '--out', dir, '--resume']);
        expect(r.code, executor).toBe(2);
        expect(r.out.errors, executor).toEqual([`rethink reproduce: error: ${dir} is still being written by Slurm job ${job} (4 tasks queued or running); wait for it (squeue -j ${job}) or cancel it (scancel ${job}), then --resume`]);
      }
    } finally {
      execFileSync('scancel', [job]);
    }
    expect(readJson<{ submissions: Submission[] }>(join(dir, 'submissions.json')).submissions).toHaveLength(1);
  });
});
