/**
 * The CLI never loses work and refuses bad input the same way everywhere: a run directory is never
 * replaced without --force, --resume reads the run's settings, a damaged checkpoint is named, a
 * signal stops a run with a resume command, every I/O failure and range error is one line and exit
 * code 2, and no non-finite figure is printed as a result.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryOutput } from '../../src/cli/output.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { HELP_WIDTH } from '../../src/cli/args.js';
import { fileError } from '../../src/training/run-store.js';

const tmp = mkdtempSync(join(tmpdir(), 'rethink-robust-'));
const bin = join(import.meta.dirname, '../../bin/rethink.js');

/** Runs the CLI in-process: exit code, error lines, notes and results. */
async function cli(args: string[]) {
  const out = memoryOutput();
  const code = await main(args, out);
  return { code, ...out };
}

/** Expects exit code 2 and exactly one error line matching `message` (no stack trace). */
async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await cli(args);
  expect(r.code, args.join(' ')).toBe(2);
  expect(r.errors, args.join(' ')).toHaveLength(1);
  expect(r.errors[0]).toMatch(message);
  expect(r.errors[0]).not.toMatch(/\n\s+at |internal error|rethink [a-z-]+: error: (rethink|[a-z-]+: error)/);
  const [, command, rest] = /^rethink ([a-z0-9-]+): error: (.*)$/s.exec(r.errors[0]!) ?? [];
  if (command !== undefined) expect(rest?.startsWith(`${command}: `), 'the command is named once').toBe(false);
}

/** A quick run: MLP on 64 synthetic images, one epoch (flags in `extra` replace the defaults). */
function quick(out: string, extra: string[] = []): string[] {
  const flags = new Map<string, string | null>([['--data', 'synthetic'], ['--n', '64'], ['--test-n', '50'], ['--epochs', '1'], ['--backend', 'wasm'], ['--seed', '5'], ['--out', out], ['--json', null]]);
  for (let i = 0; i < extra.length; i++) {
    const next = extra[i + 1];
    if (next !== undefined && !next.startsWith('--')) flags.set(extra[i]!, extra[++i]!);
    else flags.set(extra[i]!, null);
  }
  return ['fit', ...[...flags].flatMap(([k, v]) => (v === null ? [k] : [k, v]))];
}

describe('--out never loses work', () => {
  test('a directory that holds a run is refused without --resume or --force; --force replaces it', async () => {
    const dir = join(tmp, 'finished');
    expect((await cli(quick(dir))).code).toBe(0);
    const before = readFileSync(join(dir, 'summary.json'), 'utf8');
    await refused(quick(dir), /--out .*finished already holds a finished run; continue it with --resume, replace it with --force, or choose another --out/);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe(before); // untouched
    const forced = await cli(quick(dir, ['--force', '--seed', '6']));
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).seed).toBe(6);
  });

  test('an --out that holds other files and no run is refused unless --force, and --force removes only the run\'s own files; reproduce refuses a fit run directory', async () => {
    const dir = join(tmp, 'other-files');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'plan.json'), '{}');
    await refused(quick(dir), /--out .*other-files is not empty and holds no run \(notes\.txt, plan\.json\); choose a new or empty --out, or add --force to write the run beside those files \(none of them is removed\)/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    expect((await cli(quick(dir, ['--force']))).code).toBe(0);
    expect((await cli(quick(dir, ['--force', '--seed', '6']))).code).toBe(0); // replaces the run, not the other files
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{}');
    const run = join(tmp, 'a-fit-run');
    expect((await cli(quick(run))).code).toBe(0);
    const before = readFileSync(join(run, 'summary.json'), 'utf8');
    await refused(['reproduce', '--only', 'fig1c', '--data', 'synthetic', '--plan-only', '--out', run], /--out .*a-fit-run holds a training run \(rethink fit's config\.json, checkpoints, summary\), not a plan's results; choose another --out/);
    expect(existsSync(join(run, 'plan.json'))).toBe(false);
    expect(readFileSync(join(run, 'summary.json'), 'utf8')).toBe(before);
  });

  test('--resume takes the settings from config.json; a flag that disagrees is refused naming both values', async () => {
    const dir = join(tmp, 'resume');
    expect((await cli(quick(dir, ['--randomization', 'corrupt-labels', '--p', '0.5']))).code).toBe(0);
    const resumed = await cli(['fit', '--out', dir, '--resume', '--epochs', '2', '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.jsons[0]).toMatchObject({ resumed: true, epochs: 2, seed: 5, randomization: 'corrupt-labels', p: 0.5, n: 64 });
    await refused(['fit', '--out', dir, '--resume', '--p', '0.4'], /--p 0.4 conflicts with the run's p = 0.5 \(.*config.json\); drop the flag to continue the run/);
    await refused(['fit', '--out', dir, '--resume', '--model', 'mlp-3x512'], /--model "mlp-3x512" conflicts with the run's model = "mlp-1x512"/);
    await refused(['fit', '--out', dir, '--resume', '--lr', '0.5'], /--lr 0.5 conflicts with the run's lr = 0.01 \(the model's default\) \(.*config.json\)/);
    // The same value as stored is not a conflict.
    expect((await cli(['fit', '--out', dir, '--resume', '--p', '0.5', '--epochs', '2', '--json'])).code).toBe(0);
  });

  test('--resume where there is nothing to resume is refused, saying there is no run (no seed "from config.json"); --resume with --force is refused', async () => {
    const missing = await cli(['fit', '--data', 'synthetic', '--out', join(tmp, 'missing'), '--resume']);
    expect([missing.code, missing.errors]).toEqual([2, [expect.stringMatching(/--resume: there is no run in .*missing \(no such directory\); start one without --resume/)]]);
    expect(missing.infos.join('\n')).not.toMatch(/seed|config\.json/);
    expect(existsSync(join(tmp, 'missing'))).toBe(false); // a refused run leaves nothing behind
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    await refused(['fit', '--data', 'synthetic', '--out', empty, '--resume'], /there is no run in .*empty \(none of its files is there\)/);
    const configOnly = join(tmp, 'config-only');
    mkdirSync(configOnly);
    writeFileSync(join(configOnly, 'config.json'), JSON.stringify({ data: 'synthetic', n: 64, seed: 5 }));
    await refused(['fit', '--out', configOnly, '--resume'], /has no checkpoint to continue from \(the run stopped before its first epoch ended\); start the run again without --resume and with --force/);
    await refused([...quick(join(tmp, 'missing2')), '--resume', '--force'], /--resume continues a run and --force replaces it: give one/);
    expect(existsSync(join(tmp, 'missing2'))).toBe(false);
  });

  test('damaged checkpoints and settings are named, exit 2; a damaged latest checkpoint falls back to the previous one', async () => {
    const base = join(tmp, 'damage');
    expect((await cli(quick(base, ['--epochs', '2', '--checkpoint-every', '0']))).code).toBe(0); // a checkpoint per epoch: the latest and the one before
    const copy = (name: string): string => {
      const d = join(tmp, name);
      mkdirSync(d);
      for (const f of ['config.json', 'metrics.csv', 'checkpoint.bin', 'checkpoint.prev.bin', 'summary.json']) writeFileSync(join(d, f), readFileSync(join(base, f)));
      return d;
    };
    const resume = (d: string) => ['fit', '--out', d, '--resume', '--epochs', '3', '--json'];

    // Truncated latest and previous checkpoint: nothing to continue from.
    const truncated = copy('truncated');
    for (const f of ['checkpoint.bin', 'checkpoint.prev.bin']) writeFileSync(join(truncated, f), readFileSync(join(truncated, f)).subarray(0, 1000));
    await refused(resume(truncated), /checkpoint.bin is damaged: truncated.*checkpoint.prev.bin is damaged: truncated.*start it over with --force/);

    // One byte of the weights overwritten (the old format resumed with loss NaN): the checksum says so.
    const flipped = copy('flipped');
    for (const f of ['checkpoint.bin', 'checkpoint.prev.bin']) {
      const bytes = readFileSync(join(flipped, f));
      bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
      writeFileSync(join(flipped, f), bytes);
    }
    await refused(resume(flipped), /do not match the stored SHA-256/);

    // Garbage settings.
    const garbage = copy('garbage');
    writeFileSync(join(garbage, 'config.json'), '{"data": "synth');
    await refused(resume(garbage), /config.json is damaged \(.*\); restore it, or start the run over with --force/);

    // Only the latest checkpoint damaged: the run continues from the one before (one epoch more lost), and says so.
    const latest = copy('latest');
    writeFileSync(join(latest, 'checkpoint.bin'), 'not a checkpoint');
    const r = await cli(resume(latest));
    expect(r.code).toBe(0);
    expect(r.infos.join('\n')).toMatch(/checkpoint.bin is damaged: it is not a rethink checkpoint.*continuing from checkpoint.prev.bin \(epoch 1\)/);
    const said = r.infos.findIndex((l) => /continuing from checkpoint.prev.bin/.test(l));
    const firstEpoch = r.infos.findIndex((l) => /^\s+2\s/.test(l));
    expect(firstEpoch).toBeGreaterThan(0);
    expect(said, 'the fallback is said when the run resumes, before the epoch it costs is trained again').toBeLessThan(firstEpoch);
    expect(r.infos.filter((l) => /continuing from/.test(l))).toHaveLength(1);
    expect(r.jsons[0]).toMatchObject({ resumed: true, epochs: 3 });

    // Another run's checkpoint copied in (same model, another seed): refused, not continued as this run's.
    const foreign = copy('foreign');
    const other = join(tmp, 'damage-other');
    expect((await cli(quick(other, ['--epochs', '2', '--seed', '6']))).code).toBe(0);
    writeFileSync(join(foreign, 'checkpoint.bin'), readFileSync(join(other, 'checkpoint.bin')));
    await refused(resume(foreign), /foreign: its checkpoint was written by another run .*Put this run's checkpoint back, or start the run over with --force/);

    // A kill between the two renames of a save: no checkpoint.bin, the new one in checkpoint.bin.tmp, the old one as prev.
    const killed = copy('killed');
    renameSync(join(killed, 'checkpoint.bin'), join(killed, 'checkpoint.bin.tmp'));
    const k = await cli(resume(killed));
    expect(k.code).toBe(0);
    expect((k.jsons[0] as { history: unknown[] }).history).toHaveLength(3);
  });

  test('one writer per --out: a second command is refused while the first holds DIR/.lock; a lock whose process is gone is taken over', async () => {
    const dir = join(tmp, 'locked');
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: sleeper.pid, host: hostname(), command: 'rethink fit --seed 3', started: '2024-01-01T00:00:00.000Z' }));
      await refused(quick(dir, ['--seed', '4']), new RegExp(`locked is in use by another rethink \\(pid ${sleeper.pid}, started 2024-01-01T00:00:00.000Z: rethink fit --seed 3\\): wait for it, or remove .*locked/\\.lock if that process is gone`));
      expect(existsSync(join(dir, 'config.json'))).toBe(false); // nothing written
    } finally {
      sleeper.kill();
    }
    await new Promise((r) => sleeper.on('exit', r));
    const r = await cli(quick(dir, ['--seed', '4']));
    expect(r.code).toBe(0);
    expect(r.infos.join('\n')).toMatch(/locked\/\.lock was left by pid \d+ .*which is gone; taking it over/);
    expect(existsSync(join(dir, '.lock'))).toBe(false); // released at the end
    // An error releases it too, and a refused run leaves no directory behind.
    await refused(quick(dir), /already holds a finished run/);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  test('an interrupt before the first epoch ends says so in one line, with a command that works (no checkpoint to resume: the run starts over)', async () => {
    const dir = join(tmp, 'signal-early');
    const child = spawn(process.execPath, [bin, 'fit', '--data', 'synthetic', '--n', '4000', '--test-n', '50', '--epochs', '1', '--backend', 'wasm', '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.resume();
    for (let i = 0; i < 600 && !existsSync(join(dir, 'config.json')); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(130);
    const lines = stderr.split('\n').filter((l) => /interrupted/.test(l));
    expect(lines, stderr).toHaveLength(1);
    const seed = /seed: (\d+)/.exec(stderr)![1];
    expect(lines[0]).toMatch(new RegExp(`^interrupted before epoch 1 finished; continue with: rethink fit .*--out ${dir.replace(/[/\\]/g, '.')} .*--seed ${seed} --force$`));
    const again = await cli([...lines[0]!.replace(/^.*continue with: rethink /, '').split(' '), '--json']);
    expect(again.code).toBe(0);
    expect(again.jsons[0]).toMatchObject({ seed: Number(seed), epochs: 1 });
  });

  test('SIGINT and SIGTERM stop a run at a step boundary: one line with the resume command, exit 130, and the resume continues', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const dir = join(tmp, `signal-${signal}`);
      const child = spawn(process.execPath, [bin, 'fit', '--data', 'synthetic', '--n', '2000', '--test-n', '50', '--randomization', 'random-labels', '--lr', '1e-6', '--epochs', '200', '--backend', 'wasm', '--seed', '3', '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdout.resume();
      // Wait until the first epoch has finished (its metrics row), then signal: the interrupt writes its checkpoint.
      for (let i = 0; i < 600 && !(existsSync(join(dir, 'metrics.csv')) && readFileSync(join(dir, 'metrics.csv'), 'utf8').split('\n').length > 2); i++) await new Promise((r) => setTimeout(r, 100));
      if (signal === 'SIGINT') await refused(quick(dir, ['--seed', '4']), new RegExp(`is in use by another rethink \\(pid ${child.pid}, started [^)]*rethink fit`));
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stderr).toBe(130);
      expect(existsSync(join(dir, '.lock')), 'the lock is removed on a signal').toBe(false);
      expect(stderr).toMatch(new RegExp(`interrupted after epoch (\\d+); continue with: rethink fit --out ${dir.replace(/[/\\]/g, '.')} --resume`));
      const epochs = Number(/interrupted after epoch (\d+)/.exec(stderr)![1]);
      expect(epochs).toBeGreaterThanOrEqual(1);
      const resumed = await cli(['fit', '--out', dir, '--resume', '--epochs', String(epochs + 1), '--json']);
      expect(resumed.code).toBe(0);
      expect(resumed.jsons[0]).toMatchObject({ resumed: true, epochs: epochs + 1 });
      expect(resumed.infos.join('\n')).toContain(`resuming at epoch ${epochs + 1} from the checkpoint of epoch ${epochs}`); // the interrupt wrote the epoch it names
    }
  });
});

describe('every I/O failure and range error is one line and exit 2', () => {
  test('a file-system error names the fix for the usual causes (permission denied: not reproducible as root, so from the error code)', () => {
    const failure = (code: string): Error => Object.assign(new Error(code), { code });
    expect(fileError(failure('EACCES'), 'create the lock', '/x/.lock').message).toBe('cannot create the lock /x/.lock: permission denied; choose a place you can write to (another --out), or change its permissions');
    expect(fileError(failure('EACCES'), 'read', '/x/a').message).toBe('cannot read /x/a: permission denied; give yourself read access to it');
    expect(fileError(failure('EROFS'), 'write', '/x/a').message).toMatch(/read-only; choose a place on a writable file system/);
    expect(fileError(failure('EIO'), 'write', '/x/a').message).toBe('cannot write /x/a: EIO'); // no fix to name
  });

  test('output and data paths', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    await refused(quick(file), /--out .*a-file is a file, not a directory; choose another --out/);
    await refused(quick(join(file, 'sub')), /cannot create the run directory .*a-file\/sub: a part of the path is a file, not a directory; choose another path/);
    await refused(['fit', '--data', 'cifar10', '--data-dir', file], /cifar10: '.*a-file' is a file, not a directory/);
    const cifar = join(tmp, 'cifar');
    mkdirSync(join(cifar, 'test_batch.bin'), { recursive: true });
    for (let b = 1; b <= 5; b++) writeFileSync(join(cifar, `data_batch_${b}.bin`), new Uint8Array(3073));
    await refused(['fit', '--data', 'cifar10', '--data-dir', cifar, '--seed', '1'], /cifar10: cannot read '.*test_batch.bin': it is a directory, not a batch file/);
    await refused(['expressivity', '--data', 'synthetic', '--n', '20', '--save', join(file, 'net.json')], /cannot write --save .*a-file\/net.json: a part of the path is a file/);
    await refused(['expressivity', '--data', 'synthetic', '--n', '20', '--save', file], /--save .*a-file: the file exists; add --force to replace it/);
    await refused(['models', '--input-shape', '100000x100000x3'], /--input-shape 100000x100000x3: at most 512×512×64/);
    await refused(quick(join(tmp, 'every'), ['--checkpoint-every', '-1']), /--checkpoint-every/);
    expect(existsSync(join(tmp, 'every'))).toBe(false);
    await refused(['models', '--input-shape', '512x512x3'], /parameter 'dense1\/W' \(786432×512\) would take the model to 402,653,184 values, more than 268,435,456 \(1 GiB\)/);
  });

  test.each([
    [['fit', '--test-n', '0'], /--test-n 0: must be a positive integer or all/],
    [['fit', '--test-n', '-1'], /--test-n -1: must be a positive integer or all/],
    [['fit', '--test-n', '20000', '--seed', '1'], /--test-n 20000: the mnist test split has 10000 points; choose 1 … 10000 or all/],
    [['kernel', '--test-n', '20000'], /--test-n 20000: must be an integer in \[1, 10000\] or all/],
    [['sgd-min-norm', '--epochs', '-3'], /--epochs -3: must be an integer in \[1, 1000000\]/],
    [['fit', '--momentum', '1.5'], /--momentum 1.5: must be a number in \[0, 1\)/],
    [['fit', '--seed', '9007199254740992'], /--seed 9007199254740992: must be an integer in \[0, 4294967295\]/],
    [['fit', '--seed', '4294967296'], /--seed 4294967296: must be an integer in \[0, 4294967295\]/],
    [['fit', '--n', '0x10'], /--n must be a positive integer or all written in decimal, got '0x10'/],
    [['rademacher', '--class', 'finite', '--hypotheses', '0x10'], /--hypotheses must be an integer written in decimal, got '0x10'/],
    [['fit', '--lr', 'Infinity'], /--lr must be a number written in decimal, got 'Infinity'/],
    [['fit', '--lr', '1e999'], /--lr 1e999: too large for a float64 number/],
    [['sgd-min-norm', '--n', '300', '--d', '200'], /--n 300 > --d 200: with more examples than features .* use --d ≥ --n/],
    [[], /^rethink: no command given; choose one of expressivity, .*rethink <command> --help/],
  ])('%j', async (args, message) => refused(args as string[], message as RegExp));

  test('a learning rate that makes the loss non-finite stops at once and says to lower --lr', async () => {
    await refused(['fit', '--data', 'synthetic', '--n', '100', '--lr', '1e308', '--seed', '1'], /the training loss became (NaN|Infinity) at step \d+ .*lower --lr/);
    // With --out, the message gives the command that works: the run keeps its lr, so it starts over with --force.
    const dir = join(tmp, 'diverged');
    const r = await cli(quick(dir, ['--lr', '1e308', '--n', '300', '--epochs', '5']));
    expect([r.code, r.errors]).toEqual([2, [expect.stringMatching(/lower --lr .*: start the run in .*diverged over with a lower --lr and --force \(a run keeps its learning rate/)]]);
    expect(r.errors[0]).not.toMatch(/is kept/);
    expect((await cli(quick(dir, ['--lr', '0.01', '--force']))).code).toBe(0);
  });

  test('no non-finite figure is printed as a result', async () => {
    const big = join(tmp, 'big.csv');
    writeFileSync(big, '1e308,1e308,0\n-1e308,1e308,1\n1e308,-1e308,1\n');
    await refused(['rademacher', '--class', 'linear-l2', '--data', big, '--seed', '1'], /no result to show: estimate = (NaN|Infinity).* rescale the data/);
    await refused(['rademacher', '--class', 'rkhs-gaussian', '--data', big, '--seed', '1'], /no result to show: estimate = NaN/);
    await refused(['expressivity', '--data', big, '--seed', '1'], /the projection ⟨a, x⟩ of row \d+ \(1-based\) overflows float64 .*rescale the data/);
    // Exact weights whose numerators exceed float64 (2690 bits here) are reported as finite numbers,
    // with their size in bits; mathjs' valueOf() gave ∞/∞ = NaN ("max |w| NaN").
    const exact = await cli(['expressivity', '--data', 'synthetic', '--n', '100', '--d', '20', '--exact', '--seed', '1', '--json']);
    expect(exact.code).toBe(0);
    const r = exact.jsons[0] as Record<string, number>;
    for (const key of ['maxAbsWeight', 'minGap', 'maxResidual']) expect(Number.isFinite(r[key]), key).toBe(true);
    expect(r.maxAbsWeightBits).toBeGreaterThan(1024);
    expect(r.maxAbsWeight).toBeGreaterThan(0);
  });

  test('kernel: memory that would be exceeded, an n above the data and a checkpoint from another run are each refused in one line, before any data is loaded', async () => {
    await refused(['kernel', '--n', '40000', '--memory', '2', '--seed', '1'], /n = 40000 needs \d+\.\d\d GiB of memory \(K alone 5.96 GiB in float32\) but 2.00 GiB were allowed; the largest n that fits is \d+/);
    await refused(['kernel', '--n', '60001'], /--n 60001: must be an integer in \[1, 60000\] or all/);
    await refused(['kernel', '--n', '600', '--solver', 'cg', '--landmarks', '700'], /--landmarks 700: more landmarks than the 600 training images/);
    await refused(['kernel', '--n', '600', '--solver', 'cg', '--landmarks', '100', '--rank', '100'], /--rank 100: the rank must be below the 100 landmarks/);
    const dir = join(tmp, 'kernel-checkpoint');
    const args = ['kernel', '--n', '300', '--test-n', '50', '--solver', 'cg', '--landmarks', '60', '--checkpoint', dir];
    expect((await cli([...args, '--seed', '1', '--json'])).code).toBe(0);
    const again = await cli([...args, '--seed', '1', '--json']);
    expect(again.infos.join('\n')).toMatch(/resumed from the checkpoint in .*kernel-checkpoint at iteration \d+/);
    await refused([...args, '--seed', '2'], /the checkpoint in .*kernel-checkpoint is from another run \(n = 300, γ = 0.02, seed 1, .*\); this run has n = 300, γ = 0.02, seed 2/);
    await refused([...args.slice(0, 3), '--gamma', '0.03', ...args.slice(3), '--seed', '1'], /is from another run \(n = 300, γ = 0.02, seed 1, .*\); this run has n = 300, γ = 0.03, seed 1/);
  });

  test('kernel: SIGINT stops a long solve between iterations with the resume command (exit 130), and the resume continues from the checkpoint', async () => {
    const dir = join(tmp, 'kernel-signal');
    const args = ['kernel', '--n', '2500', '--test-n', '50', '--landmarks', '40', '--tol', '0.001', '--seed', '3', '--checkpoint', dir];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.resume();
    for (let i = 0; i < 1200 && !existsSync(join(dir, 'kernel-checkpoint.bin')); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(130);
    const m = /interrupted after iteration (\d+); resume with: (rethink kernel .*)$/m.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(m![2]).toBe(`rethink ${args.filter((a) => a !== '--seed' && a !== '3').join(' ')} --seed 3`);
    const resumed = await cli([...m![2]!.split(' ').slice(1), '--json']);
    expect(resumed.code).toBe(0);
    expect((resumed.jsons[0] as { resumedFrom: number }).resumedFrom).toBeGreaterThanOrEqual(Number(m![1]));
  });
});

describe('one vocabulary across commands', () => {
  test.each([
    [['rademacher', '--compare', '--class', 'linear-l2'], /--compare runs its own three classes; drop --class/],
    [['rademacher', '--class', 'thresholds', '--gamma', '0.1'], /--gamma is the Gaussian kernel's width: it applies to --class rkhs-gaussian and --compare, not thresholds/],
    [['rademacher', '--class', 'thresholds', '--exact', '--n', '4', '--draws', '9'], /--exact enumerates all 2\^n sign vectors; drop --draws/],
    [['kernel', '--kernel', 'polynomial', '--gamma', '0.1'], /--gamma is the Gaussian kernel's width; with --kernel polynomial use --degree/],
    [['kernel', '--degree', '3'], /--degree is the polynomial kernel's/],
    [['kernel', '--compare-norms', '--labels', 'random'], /--compare-norms runs the corruption levels of --ps itself/],
    [['kernel', '--ps', '0,1'], /--ps gives the levels of --compare-norms; add --compare-norms/],
    [['kernel', '--checkpoint', '/tmp/x', '--solver', 'cholesky'], /--checkpoint saves the conjugate-gradient iteration; the cholesky solve is direct/],
    [['kernel', '--n', '3000', '--preconditioner', 'none', '--rank', '10'], /--landmarks and --rank size the Nyström preconditioner; drop them with --preconditioner none/],
    [['kernel', '--tol', '0.01', '--solver', 'cholesky'], /--tol is the conjugate-gradient tolerance; the cholesky solve is direct/],
    [['fit', '--data-dir', '/tmp'], /--data-dir is for --data cifar10 \(got --data mnist\)/],
    [['expressivity', '--exact', '--direction', 'gaussian'], /--direction applies to the float construction/],
    [['expressivity', '--labels', 'random', '--randomization', 'random-labels'], /--labels and --randomization say the same thing/],
    [['expressivity', '--p', '0.3'], /--p is for --randomization corrupt-labels \(got true-labels\)/],
  ])('a flag that would be ignored is refused: %j', async (args, message) => refused(args as string[], message as RegExp));

  test('--lambda is used by --exact (not ignored): it moves the biases and is reported', async () => {
    const run = async (lambda: string) => (await cli(['expressivity', '--data', 'synthetic', '--n', '12', '--d', '2', '--exact', '--lambda', lambda, '--seed', '1', '--json'])).jsons[0] as Record<string, unknown>;
    const [a, b] = [await run('0.25'), await run('0.5')];
    expect([a.lambda, b.lambda]).toEqual([0.25, 0.5]);
    expect(a.maxAbsWeight).not.toBe(b.maxAbsWeight);
    expect([a.maxResidual, b.maxResidual]).toEqual([0, 0]);
  });

  test('--version, -V, -h, and every command\'s help has an example and fits in 100 columns', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['-V'], ['fit', '--version']]) expect((await cli(args)).tables).toEqual([pkg.version]);
    for (const name of Object.keys(COMMANDS)) {
      const help = await cli([name, '-h']);
      expect(help.code).toBe(0);
      const text = help.tables.join('\n');
      expect(text).toMatch(/Usage: rethink /);
      expect(text).toMatch(/Examples?:\n  rethink /);
      for (const line of text.split('\n')) expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(HELP_WIDTH);
    }
    const top = await cli(['-h']);
    for (const line of top.tables.join('\n').split('\n')) expect(line.length).toBeLessThanOrEqual(HELP_WIDTH);
  });

  test('results use the same names: randomization, p, trainError, testError, testN, wallMs', async () => {
    const fit = (await cli(quick(join(tmp, 'vocab')))).jsons[0] as Record<string, unknown>;
    for (const key of ['randomization', 'p', 'trainError', 'testError', 'testN', 'wallMs']) expect(fit, `fit ${key}`).toHaveProperty(key);
    const kernel = (await cli(['kernel', '--n', '100', '--test-n', '200', '--randomization', 'random-labels', '--seed', '1', '--json'])).jsons[0] as Record<string, unknown>;
    expect(kernel).toMatchObject({ randomization: 'random-labels', p: 1, testN: 200, trainError: 0 });
    for (const key of ['testError', 'wallMs', 'solveMs', 'labelsChanged']) expect(kernel, `kernel ${key}`).toHaveProperty(key);
    const expressivity = (await cli(['expressivity', '--data', 'synthetic', '--n', '50', '--randomization', 'corrupt-labels', '--p', '0.5', '--seed', '1', '--json'])).jsons[0] as Record<string, unknown>;
    expect(expressivity).toMatchObject({ randomization: 'corrupt-labels', p: 0.5 });
    for (const key of ['labelsChanged', 'wallMs', 'constructMs', 'certifyMs']) expect(expressivity, `expressivity ${key}`).toHaveProperty(key);
    for (const args of [['sgd-min-norm', '--n', '5', '--d', '10', '--seed', '1', '--json'], ['rademacher', '--class', 'thresholds', '--n', '5', '--exact', '--json']]) {
      expect((await cli(args)).jsons[0], args[0]).toHaveProperty('wallMs');
    }
  });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));
