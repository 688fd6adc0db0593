/**
 * `rethink reproduce`, `experiment`, `run`, `report` and `figure1` end to end, at tiny scale: every
 * shipped study runs (synthetic data, a few epochs) and writes its files, plots and verdicts, which
 * are recomputed here from the runs' own summaries; a budget too small fails a claim (exit 1) and a
 * sufficient one confirms it (exit 0); plan → run --index → report gives the results.json of an
 * in-process reproduce; resume keeps finished runs and continues the others from their checkpoints;
 * bad input is one line and exit 2 with nothing trained lost; CIFAR-10 files in the binary format.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CIFAR_RECORD_BYTES, CIFAR_TRAIN_FILES } from '../../src/data/cifar.js';
import type { PlanResults } from '../../src/experiments/results.js';
import { Rng } from '../../src/random/rng.js';
import { inkOf } from '../helpers/png.js';
import { cli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'rethink-reproduce-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Every study's sizes shrunk to seconds (synthetic 28×28 images). */
const TINY = ['n=40', 'epochs=2', 'testN=50', 'seeds=1', 'convN=8', 'convEpochs=1', 'convTestN=20', 'sizes=20,40', 'inits=1,2', 'draws=1,2', 'compareDraws=10', 'ps=0,0.5,1'].flatMap((s) => ['--set', s]);

/** The files of a directory tree, with their modification times. */
function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p, statSync(p).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('rethink reproduce: every shipped study at tiny scale', () => {
  const dir = join(tmp, 'all');
  let results: PlanResults;

  test('runs all seven studies on the pool and writes plan, runs, results, reports and plots; a tiny budget is not confirmed (exit 1)', async () => {
    const { code, out } = await cli(['reproduce', '--data', 'synthetic', ...TINY, '--jobs', '2', '--out', dir, '--json']);
    expect(out.errors).toEqual([]);
    expect(code).toBe(1); // two epochs fit nothing: the claims that need fitting are not confirmed
    expect(out.jsons).toHaveLength(1);
    const { files, ...rest } = out.jsons[0] as PlanResults & { files: string[] };
    results = rest;
    expect(files).toContain(join(dir, 'fig1b', 'plots', 'figure1b.png'));
    expect(results.studies.map((s) => s.study)).toEqual(['fig1a', 'fig1b', 'fig1c', 'table1', 'regularizers', 'memorization', 'rademacher-of-networks']);
    expect(results.confirmed).toBe(false);
    for (const c of results.claims) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'paper', 'measured', 'tolerance', 'scale', 'verdict']));
      expect(['confirmed', 'not confirmed']).toContain(c.verdict);
    }
    expect(results.runs.finished).toBe(results.runs.planned);
    expect(readJson<PlanResults>(join(dir, 'results.json'))).toEqual(results);
    expect(out.infos.some((l) => /\[\d+\/\d+\] fig1b · mlp-1x512 p=0\.5 seed 1 \(also fig1c\): not fitted in 2 steps/.test(l))).toBe(true); // progress: a line per run
    for (const f of ['plan.json', 'report.md', 'report.html', 'reproduce.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    for (const s of results.studies) for (const f of ['results.json', 'report.md', 'report.html']) expect(existsSync(join(dir, s.study, f)), `${s.study}/${f}`).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<img [^>]*src="data:image\/png;base64,/g)?.length).toBe(7); // plots inlined: the report opens offline
    expect(html).not.toMatch(/src="(?!data:)/);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/\*\*Verdict:\*\* \d+ of 21 claims expected at the quick profile confirmed; not confirmed: fig1a — every randomization reaches 100% training accuracy/);
  });

  test('the plots: a vega-lite spec, an SVG and a PNG that decodes and is not blank, for each figure', () => {
    const plots = ['fig1a/plots/figure1a', 'fig1b/plots/figure1b', 'fig1c/plots/figure1c', 'table1/plots/table1', 'regularizers/plots/regularizers', 'memorization/plots/memorization-growth', 'memorization/plots/memorization-difficulty'];
    for (const p of plots) {
      expect(readJson<{ $schema: string }>(join(dir, `${p}.vl.json`)).$schema, p).toMatch(/vega-lite/);
      expect(readFileSync(join(dir, `${p}.svg`), 'utf8'), p).toMatch(/^<svg[^]*<\/svg>$/);
      const png = inkOf(new Uint8Array(readFileSync(join(dir, `${p}.png`))));
      expect(png.width, p).toBeGreaterThan(200);
      expect(png.ink, p).toBeGreaterThan(0.01); // axes, marks and text drawn
      expect(png.colours, p).toBeGreaterThan(8);
    }
  });

  test('verdicts are computed from the runs\' own summaries', () => {
    const plan = readJson<{ runs: { dir: string; uses: { study: string; tags: Record<string, unknown> }[] }[] }>(join(dir, 'plan.json'));
    const summaries = (study: string, tags: Record<string, unknown> = {}) =>
      plan.runs
        .filter((r) => r.uses.some((u) => u.study === study && Object.entries(tags).every(([k, v]) => u.tags[k] === v)))
        .map((r) => readJson<{ trainError: number; testError: number; stepsToFit: number | null }>(join(dir, r.dir, 'summary.json')));
    const claim = (study: string, i: number) => results.claims.filter((c) => c.study === study)[i]!;
    expect(claim('fig1a', 0).measured.value).toBe(Math.min(...summaries('fig1a').map((s) => 1 - s.trainError)));
    expect(claim('fig1a', 0).verdict).toBe('not confirmed');
    const at1 = summaries('fig1c', { p: 1 }).map((s) => s.testError);
    expect(claim('fig1c', 2).measured.value).toBeCloseTo(at1.reduce((a, b) => a + b, 0) / at1.length, 12);
    const signs = summaries('rademacher-of-networks').map((s) => 1 - 2 * s.trainError);
    expect(claim('rademacher-of-networks', 0).measured.value).toBeCloseTo(signs.reduce((a, b) => a + b, 0) / signs.length, 12);
    const rows = results.studies.find((s) => s.study === 'table1')!.tables[0]!.rows;
    expect(rows).toHaveLength(8); // 2 MLPs × {none, weight decay} (the paper's MLP rows) × 2 labellings
    expect(claim('regularizers', 3).scale.expected).toBe(false); // random crop on an MLP: reported, not counted
  });
});

describe('verdicts can fail and pass', () => {
  const args = ['reproduce', '--only', 'fig1a', '--set', 'n=100', '--set', 'testN=200', '--set', 'randomizations=true-labels,random-labels', '--jobs', '2', '--json'];

  test('a budget too small to fit: "not confirmed" and exit 1; the report says by how much', async () => {
    const { code, out } = await cli([...args, '--set', 'epochs=3', '--out', join(tmp, 'small')]);
    expect(code).toBe(1);
    const c = (out.jsons[0] as PlanResults).claims[0]!;
    expect(c).toMatchObject({ name: 'every randomization reaches 100% training accuracy', verdict: 'not confirmed', scale: { expected: true } });
    expect(c.missBy).toBeCloseTo(1 - c.measured.value!, 12);
    expect(readFileSync(join(tmp, 'small', 'report.md'), 'utf8')).toMatch(/not confirmed — measured \d+\.\d%, outside ≥ 100\.0% by \d+\.\d%/);
    // The wasm engine's thread count is stored with the results (the tests run one thread per process).
    expect((out.jsons[0] as PlanResults).threads).toEqual([Number(process.env.RETHINK_WASM_THREADS)]);
    expect(readFileSync(join(tmp, 'small', 'report.md'), 'utf8')).toMatch(/\*\*Backend:\*\* wasm \(wasm engine: 1 thread per run\)/);
  });

  test('a claim about what regularizers change is not confirmed without a regularized run (no vacuous verdicts)', async () => {
    const { code, out } = await cli(['reproduce', '--only', 'table1', '--data', 'synthetic', '--set', 'regularizers=none', '--set', 'models=mlp-1x512', '--set', 'n=40', '--set', 'testN=40', '--set', 'epochs=60', '--jobs', '2', '--out', join(tmp, 'no-regularizer'), '--json']);
    const claims = (out.jsons[0] as PlanResults).claims;
    expect(claims[0]).toMatchObject({ verdict: 'not confirmed', measured: { value: null, text: expect.stringMatching(/with and without a regularizer/) } });
    expect(claims[3]).toMatchObject({ verdict: 'not confirmed', measured: { value: null } });
    expect(code).toBe(1);
  });

  test('enough budget: confirmed, exit 0', async () => {
    const { code, out } = await cli([...args, '--set', 'epochs=150', '--out', join(tmp, 'enough')]);
    expect((out.jsons[0] as PlanResults).claims.map((c) => c.verdict)).toEqual(['confirmed', 'confirmed']);
    expect(code).toBe(0);
  });
});

describe('plan, run --index, report, resume', () => {
  const flags = ['--only', 'fig1c', '--data', 'synthetic', '--set', 'n=30', '--set', 'epochs=3', '--set', 'ps=0,1', '--set', 'seeds=1,2', '--set', 'testN=40'];
  const inProcess = join(tmp, 'in-process');
  const spread = join(tmp, 'spread');

  test('plan → run --index i (each alone) → report gives the same results.json as reproduce', async () => {
    expect((await cli(['reproduce', ...flags, '--jobs', '2', '--out', inProcess])).code).toBe(1);
    const planned = await cli(['reproduce', ...flags, '--plan-only', '--out', spread, '--json']);
    expect(planned.code).toBe(0);
    const runs = (planned.out.jsons[0] as { runs: number }).runs;
    expect(runs).toBe(4);
    expect(existsSync(join(spread, 'runs'))).toBe(false); // nothing trained yet
    expect((await cli(['run', '--plan', join(spread, 'plan.json'), '--index', String(runs - 1), '--json'])).code).toBe(0);
    expect((await cli(['report', spread])).code).toBe(1);
    expect(readFileSync(join(spread, 'report.md'), 'utf8')).toMatch(/\*\*Incomplete:\*\* 1 of 4 runs finished \(0 failed, 3 not run\)/);
    for (let i = runs - 2; i >= 0; i--) expect((await cli(['run', '--plan', join(spread, 'plan.json'), '--index', String(i), '--json'])).code).toBe(0);
    const partial = await cli(['report', spread, '--json']);
    expect(partial.code).toBe(1); // two epochs fit nothing
    expect(readFileSync(join(spread, 'report.md'), 'utf8')).not.toMatch(/Incomplete/);
    expect(readFileSync(join(spread, 'results.json'), 'utf8')).toBe(readFileSync(join(inProcess, 'results.json'), 'utf8'));
  });

  test('report refuses a summary.json that its run did not write: a forged "fitted", one without config.json, one that disagrees with metrics.csv', async () => {
    const plan = readJson<{ runs: { dir: string }[] }>(join(spread, 'plan.json'));
    const run = join(spread, plan.runs[0]!.dir);
    const original = readFileSync(join(run, 'summary.json'), 'utf8');
    const config = readFileSync(join(run, 'config.json'), 'utf8');
    const summary = JSON.parse(original) as Record<string, unknown> & { history: { trainError: number; steps: number }[] };
    const forged = (s: object) => writeFileSync(join(run, 'summary.json'), JSON.stringify(s));
    try {
      forged({ trainError: 0, testError: 0.9, stepsToFit: 1 });
      let r = await cli(['report', spread]);
      expect([r.code, r.out.errors.join('\n')]).toEqual([2, expect.stringMatching(/summary\.json: model = null, the plan's run has "mlp-1x512"; the run directory was edited or damaged/)]);
      r = await cli(['reproduce', ...flags, '--jobs', '1', '--out', spread, '--resume']); // a resume would keep it as "finished earlier"
      expect([r.code, r.out.errors.join('\n')]).toEqual([2, expect.stringMatching(/summary\.json: model = null/)]);
      // a careful forgery: the history's last epoch rewritten (fitted ↔ not), consistently with the summary; metrics.csv left as the trainer wrote it
      const flipped = summary.trainError === 0 ? 0.5 : 0;
      const history = summary.history.map((h, i, all) => (i === all.length - 1 ? { ...h, trainError: flipped } : h));
      const firstFit = history.find((h) => h.trainError === 0);
      forged({ ...summary, history, trainError: flipped, stepsToFit: firstFit?.steps ?? null });
      r = await cli(['report', spread]);
      expect([r.code, r.out.errors.join('\n')]).toEqual([2, expect.stringMatching(/differs from metrics\.csv/)]);
      forged({ ...summary, trainError: flipped });
      r = await cli(['report', spread]);
      expect(r.out.errors.join('\n')).toMatch(/trainError = [0-9.]+, but its history says [0-9.]+/);
      writeFileSync(join(run, 'summary.json'), original);
      rmSync(join(run, 'config.json'));
      r = await cli(['report', spread]);
      expect(r.out.errors.join('\n')).toMatch(/no config\.json beside it/);
    } finally {
      writeFileSync(join(run, 'summary.json'), original);
      writeFileSync(join(run, 'config.json'), config);
    }
    expect((await cli(['report', spread])).code).toBe(1); // restored: reported again (two epochs fit nothing)
  });

  test('one writer per directory: reproduce locks its results directory, run --index only its own run directory', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const lock = (d: string): void => writeFileSync(join(d, '.lock'), JSON.stringify({ pid: sleeper.pid, host: hostname(), command: 'rethink reproduce', started: '2024-01-01T00:00:00.000Z' }));
    const plan = readJson<{ runs: { dir: string }[] }>(join(spread, 'plan.json'));
    try {
      lock(spread);
      let r = await cli(['reproduce', ...flags, '--out', spread, '--resume']);
      expect([r.code, r.out.errors]).toEqual([2, [expect.stringMatching(new RegExp(`spread is in use by another rethink \\(pid ${sleeper.pid}, started 2024-01-01T00:00:00.000Z: rethink reproduce\\): wait for it, or remove .*spread/\\.lock if that process is gone`))]]);
      rmSync(join(spread, '.lock'));
      lock(join(spread, plan.runs[0]!.dir));
      r = await cli(['run', '--plan', join(spread, 'plan.json'), '--index', '1']); // another run of the plan goes on
      expect(r.code).toBe(0);
      r = await cli(['run', '--plan', join(spread, 'plan.json'), '--index', '0']);
      expect([r.code, r.out.errors]).toEqual([2, [expect.stringMatching(/is in use by another rethink/)]]);
    } finally {
      rmSync(join(spread, '.lock'), { force: true });
      rmSync(join(spread, plan.runs[0]!.dir, '.lock'), { force: true });
      sleeper.kill();
    }
  });

  test('a local reproduce leaves alone a run that a run --index is writing, and trains the others', async () => {
    const d = join(tmp, 'locked-run');
    expect((await cli(['reproduce', ...flags, '--plan-only', '--out', d])).code).toBe(0);
    const plan = readJson<{ runs: { dir: string }[] }>(join(d, 'plan.json'));
    const held = join(d, plan.runs[0]!.dir);
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      mkdirSync(held, { recursive: true });
      writeFileSync(join(held, '.lock'), JSON.stringify({ pid: sleeper.pid, host: hostname(), command: `rethink run --plan ${join(d, 'plan.json')} --index 0`, started: '2024-01-01T00:00:00.000Z' }));
      const r = await cli(['reproduce', ...flags, '--out', d, '--resume']);
      expect(r.code).not.toBe(0);
      expect([...r.out.errors, ...r.out.infos, ...r.out.tables].join('\n')).toMatch(/is in use by another rethink \(pid \d+, started 2024-01-01T00:00:00\.000Z: rethink run --plan .*plan\.json --index 0\)/);
      expect(readdirSync(held)).toEqual(['.lock']); // nothing written into it, not even failure.json
      for (const run of plan.runs.slice(1)) expect(existsSync(join(d, run.dir, 'summary.json'))).toBe(true);
    } finally {
      sleeper.kill();
    }
  });

  test('the printed continue command carries every flag that defines the plan, and running it exactly works', async () => {
    const printed = async (args: string[]): Promise<string[]> => {
      const { code, out } = await cli(args);
      expect([code, out.errors]).toEqual([0, []]);
      const line = out.tables.join('\n').split('\n').find((l) => l.startsWith('or all:'));
      return line!.replace(/^or all:\s+rethink /, '').split(' ');
    };
    // The paper's scale on other data: --profile and --data must come back (else "another plan").
    const full = join(tmp, 'printed-full');
    const fullCommand = await printed(['reproduce', '--profile', 'full', '--data', 'synthetic', '--only', 'fig1c', '--set', 'seeds=1', '--plan-only', '--out', full]);
    expect(fullCommand.join(' ')).toMatch(/--only fig1c .*--resume .*--profile full --data synthetic --set seeds=1/);
    let r = await cli([...fullCommand, '--plan-only']); // the same plan (--plan-only: not trained at the paper's scale here)
    expect([r.code, r.out.errors]).toEqual([0, []]);
    // A tiny plan, run by the printed command exactly.
    const tiny = join(tmp, 'printed-tiny');
    const tinyCommand = await printed(['reproduce', '--only', 'fig1c', '--data', 'synthetic', '--backend', 'wasm', '--set', 'n=20', '--set', 'epochs=1', '--set', 'ps=0', '--set', 'seeds=1', '--set', 'testN=20', '--plan-only', '--out', tiny]);
    expect(tinyCommand.join(' ')).toMatch(/--backend wasm --set n=20 --set epochs=1 --set ps=0 --set seeds=1 --set testN=20$/);
    r = await cli(tinyCommand);
    expect(r.out.errors).toEqual([]);
    expect(r.code).toBe(1); // ran and judged: one epoch fits nothing
    expect(existsSync(join(tiny, 'results.json'))).toBe(true);
  });

  test('run --index interrupted before its first checkpoint does not claim a checkpoint is kept, and says to start it again', async () => {
    const big = join(tmp, 'interrupted-early');
    expect((await cli(['reproduce', '--only', 'fig1c', '--data', 'synthetic', '--set', 'n=4000', '--set', 'epochs=1', '--set', 'ps=0', '--set', 'seeds=1', '--set', 'testN=20', '--plan-only', '--out', big])).code).toBe(0);
    const runDir = join(big, readJson<{ runs: { dir: string }[] }>(join(big, 'plan.json')).runs[0]!.dir);
    const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/rethink.js'), 'run', '--plan', join(big, 'plan.json'), '--index', '0', '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.resume();
    for (let i = 0; i < 600 && !existsSync(join(runDir, 'config.json')); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).not.toMatch(/checkpoint .*is kept/);
    expect(stderr).toMatch(new RegExp(`interrupted before the run's first checkpoint \\(nothing to keep yet\\); start it again with: rethink run --plan ${big.replace(/[/\\]/g, '.')}/plan\\.json --index 0 --backend wasm`));
    expect(existsSync(join(runDir, '.lock'))).toBe(false);
  });

  test('resume keeps finished runs and continues a run in flight from its checkpoint', async () => {
    const plan = readJson<{ runs: { dir: string }[] }>(join(inProcess, 'plan.json'));
    const victim = join(inProcess, plan.runs[1]!.dir);
    rmSync(join(victim, 'summary.json')); // as if killed after its last checkpoint
    const before = snapshot(join(inProcess, 'runs'));
    const { code, out } = await cli(['reproduce', ...flags, '--jobs', '2', '--out', inProcess, '--resume']);
    expect(code).toBe(1);
    expect(out.infos.filter((l) => /kept \(finished earlier\)/.test(l))).toHaveLength(3);
    expect(out.infos.some((l) => /continues from its checkpoint of epoch \d+/.test(l))).toBe(true);
    expect(readJson<{ resumed: boolean }>(join(victim, 'summary.json')).resumed).toBe(true);
    for (const [file, mtime] of before) if (!file.startsWith(victim)) expect(statSync(file).mtimeMs, file).toBe(mtime);
    expect(readFileSync(join(spread, 'results.json'), 'utf8')).toBe(readFileSync(join(inProcess, 'results.json'), 'utf8'));
  });

  test('bad input is one line and exit 2, and nothing trained is lost', async () => {
    const before = snapshot(join(inProcess, 'runs'));
    const refused = async (args: string[], message: RegExp): Promise<void> => {
      const { code, out } = await cli(args);
      expect(out.errors, args.join(' ')).toHaveLength(1);
      expect(out.errors[0], args.join(' ')).toMatch(message);
      expect(code, args.join(' ')).toBe(2);
    };
    await refused(['reproduce', ...flags.map((f) => (f === 'n=30' ? 'n=31' : f)), '--out', inProcess, '--resume'], /--out .*in-process holds the results of another plan \(fig1c, profile quick, data synthetic, --set n=30 .*\); choose another --out/);
    await refused(['reproduce', ...flags, '--out', inProcess], /already holds this plan's runs; continue them with --resume/);
    await refused(['reproduce', '--data', 'cifar10', '--data-dir', join(tmp, 'no-such-dir'), '--out', join(tmp, 'c')], /cifar10: directory '.*no-such-dir' does not exist; pass --data-dir/);
    expect(existsSync(join(tmp, 'c'))).toBe(false);
    await refused(['reproduce', '--profile', 'full', '--out', join(tmp, 'c')], /the full profile trains on CIFAR-10 \(the paper's data\): --data cifar10 needs --data-dir DIR/);
    await refused(['reproduce', '--only', 'fig1c', '--set', 'nope=1', '--out', join(tmp, 'c')], /--set nope: no selected study has a field 'nope'; fields: epochs, model, n, ps, seeds, testN/);
    await refused(['reproduce', '--only', 'fig1c', '--set', 'n=many', '--out', join(tmp, 'c')], /--set n=many: n must be an integer/);
    await refused(['reproduce', '--only', 'fig1c,fig1a,fig1c', '--out', join(tmp, 'c')], /--only names 'fig1c' twice: list each study once \(--only fig1c,fig1a\)/);
    await refused(['reproduce', '--only', 'fig1c', '--set', 'ps=0.5,0.5', '--out', join(tmp, 'c')], /--set ps=0\.5,0\.5: ps must be a list without repeats \(0\.5 is given twice\)/);
    await refused(['reproduce', '--only', 'fig1c', '--set', 'n=5', '--set', 'n=6', '--out', join(tmp, 'c')], /--set n is given twice \(n=5, n=6\); give it once/);
    await refused(['reproduce', '--only', 'fig1c', '--set', 'n=99999999', '--out', join(tmp, 'c')], /study fig1c, run '.*': n = 99999999, but the mnist train split has 60000 images; lower the field that sets it/);
    expect(existsSync(join(tmp, 'c'))).toBe(false);
    await refused(['reproduce', '--only', 'fig1z', '--out', join(tmp, 'c')], /--only fig1z: no such study; studies: fig1a, fig1b, fig1c, table1, regularizers, memorization, rademacher-of-networks/);
    await refused(['run', '--plan', join(spread, 'plan.json'), '--index', '9'], /--index 9: the plan has 4 runs \(0 … 3\)/);
    const planFile = join(spread, 'plan.json');
    const text = readFileSync(planFile, 'utf8');
    writeFileSync(planFile, text.replace(/"rethink": "[^"]+"/, '"rethink": "0.0.1"'));
    await refused(['run', '--plan', planFile, '--index', '0'], /was written by rethink 0\.0\.1, this is rethink \d+\.\d+\.\d+: make a new plan/);
    await refused(['report', spread], /was written by rethink 0\.0\.1/);
    writeFileSync(planFile, text.replace(/"epochs": 3/, '"epochs": 300')); // an edited run
    await refused(['run', '--plan', planFile, '--index', '0'], /plan\.json: its id [0-9a-f]+ does not match its contents \([0-9a-f]+\): the plan was edited/);
    writeFileSync(planFile, text);
    expect(snapshot(join(inProcess, 'runs'))).toEqual(before);
  });
});

describe('rethink experiment, figure1 and CIFAR-10 files', () => {
  test('a user\'s study file (TypeScript) runs like a shipped one', async () => {
    const out = join(tmp, 'mine');
    const { code, out: o } = await cli(['experiment', join(import.meta.dirname, '../fixtures/experiments/my-study.ts'), '--data', 'synthetic', '--jobs', '1', '--out', out, '--json']);
    expect(o.errors).toEqual([]);
    const r = o.jsons[0] as PlanResults;
    expect(r.studies.map((s) => s.study)).toEqual(['my-study']);
    expect(r.claims[0]).toMatchObject({ name: 'random labels are fitted', verdict: 'confirmed', measured: { value: 1 } });
    expect(r.claims[1]).toMatchObject({ verdict: 'not confirmed', scale: { expected: false } });
    expect(code).toBe(0); // the claim expected at this scale is confirmed; the other is reported, not counted
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\*\*Verdict:\*\* 1 of 1 claims expected at the quick profile confirmed\./);
    expect(report).toMatch(/^Re-run: Zhang, Bengio, Hardt, Recht & Vinyals, \*Understanding deep learning requires rethinking generalization\* \(ICLR 2017\)\.$/m); // its own source only
    expect(report).not.toMatch(/Arpit/);
    expect(readJson<{ studies: { file: string }[] }>(join(out, 'plan.json')).studies[0]!.file).toMatch(/fixtures\/experiments\/my-study\.ts$/);
    expect((await cli(['report', out])).code).toBe(0); // the plan names the file: report loads it again
    const missing = await cli(['experiment', join(tmp, 'none.ts')]);
    expect(missing.code).toBe(2);
    expect(missing.out.errors[0]).toMatch(/none\.ts: no such file; give the path of a \.ts or \.js file whose default export is study/);
  });

  test('figure1 is the three Figure 1 studies', async () => {
    const { code, out } = await cli(['figure1', '--data', 'synthetic', '--plan-only', '--out', join(tmp, 'fig1'), '--json']);
    expect(code).toBe(0);
    expect((out.jsons[0] as { studies: string[] }).studies).toEqual(['fig1a', 'fig1b', 'fig1c']);
  });

  test('the studies run on CIFAR-10 binary files (28×28×3 after the centre crop)', async () => {
    const cifar = join(tmp, 'cifar');
    rmSync(cifar, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cifar);
    const rng = new Rng(5);
    for (const f of [...CIFAR_TRAIN_FILES, 'test_batch.bin']) {
      const records = 12;
      const b = new Uint8Array(records * CIFAR_RECORD_BYTES);
      for (let r = 0; r < records; r++) {
        b[r * CIFAR_RECORD_BYTES] = r % 10;
        for (let k = 1; k < CIFAR_RECORD_BYTES; k++) b[r * CIFAR_RECORD_BYTES + k] = rng.int(256);
      }
      writeFileSync(join(cifar, f), b);
    }
    const out = join(tmp, 'cifar-out');
    const { code, out: o } = await cli(['reproduce', '--only', 'fig1a', '--data', 'cifar10', '--data-dir', cifar, '--set', 'n=30', '--set', 'testN=10', '--set', 'epochs=1', '--set', 'randomizations=true-labels,shuffled-pixels', '--jobs', '2', '--out', out, '--json']);
    expect(o.errors).toEqual([]);
    expect(code).toBe(1);
    const plan = readJson<{ data: { source: string }; runs: { dir: string }[] }>(join(out, 'plan.json'));
    expect(plan.data.source).toBe('cifar10');
    for (const r of plan.runs) expect(readJson<{ n: number; testN: number; parameterCount: number }>(join(out, r.dir, 'summary.json'))).toMatchObject({ n: 30, testN: 10, parameterCount: 1_209_866 }); // MLP 1×512 on 28×28×3
  });
});
