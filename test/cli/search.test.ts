import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryOutput } from '../../src/cli/output.js';
import { BUILTIN_CONJECTURES } from '../../src/conjectures/builtins/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'rethink.js');
const fixtures = join('test', 'fixtures', 'conjectures');
const tmp = mkdtempSync(join(tmpdir(), 'rethink-search-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const seed = Number(process.env.FC_SEED);

/** `rethink search <args>` in-process: exit code, the JSON object (with --json) and the text. */
async function rethink(args: string[]): Promise<{ code: number; json: Record<string, any> | undefined; text: string; info: string; errors: string[] }> {
  const out = memoryOutput();
  const code = await main(['search', ...args], out);
  return { code, json: out.jsons[0] as Record<string, any> | undefined, text: out.tables.join('\n'), info: out.infos.join('\n'), errors: out.errors };
}

/** The compiled binary, for what must run as users run it (files loaded by Node, errors on stderr). */
const spawn = (args: string[]) => spawnSync(process.execPath, [bin, 'search', ...args], { encoding: 'utf8', cwd: root });

describe('rethink search', () => {
  test('--list --json: every built-in with its expected outcome, statement and source', async () => {
    const { code, json } = await rethink(['--list', '--json']);
    expect(code).toBe(0);
    expect(json!.conjectures).toHaveLength(BUILTIN_CONJECTURES.length);
    expect(json!.conjectures[0]).toMatchObject({ name: 'theorem1-exact', expected: 'holds', empirical: null });
    for (const c of json!.conjectures) expect(Object.keys(c)).toEqual(['name', 'expected', 'statement', 'source', 'numRuns', 'targeted', 'empirical']);
  });

  test('--all reproduces every expected verdict, well within 60 s, and exits 0', async () => {
    const { code, json } = await rethink(['--all', '--json', '--no-store', '--seed', String(seed)]);
    expect(json!.mismatches).toEqual([]);
    expect(code).toBe(0);
    expect(json!.results).toHaveLength(BUILTIN_CONJECTURES.length);
    expect(json!.ms).toBeLessThan(60_000);
    console.log(`rethink search --all: ${json!.ms} ms (seed ${seed})`);
  });

  test('a built-in: the JSON fields, and the printed replay command reproduces the counterexample exactly', async () => {
    const { code, json } = await rethink(['weight-bound', '--json', '--no-store', '--seed', String(seed)]);
    expect(code).toBe(0);
    for (const key of ['name', 'verdict', 'expected', 'counterexample', 'seed', 'path', 'runs', 'phase', 'ms']) expect(json, key).toHaveProperty(key);
    expect(json).toMatchObject({ name: 'weight-bound', verdict: 'refuted', expected: 'refuted', seed, phase: 'random' });
    const replayArgs = (json!.replay as string).split(' ').slice(2); // drop "rethink search"
    const again = await rethink([...replayArgs, '--json', '--no-store']);
    expect(again.json).toMatchObject({ verdict: 'refuted', phase: 'replay', path: json!.path, counterexample: json!.counterexample });
  });

  test('a targeted find replays exactly too', async () => {
    const { json } = await rethink(['hidden-units-n-minus-3', '--json', '--no-store', '--seed', '3']);
    expect(json).toMatchObject({ verdict: 'refuted', phase: 'targeted' });
    const again = await rethink([...(json!.replay as string).split(' ').slice(2), '--json', '--no-store']);
    expect(again.json).toMatchObject({ phase: 'replay', counterexample: json!.counterexample });
  });

  test('the text report: statement, verdict, a table of points and labels, the replay command', async () => {
    const { text, info } = await rethink(['duplicates-fittable', '--no-store', '--seed', String(seed)]);
    expect(info).toBe(`seed: ${seed}`);
    expect(text).toMatch(/^duplicates-fittable: every labelled sample on a line/);
    expect(text).toMatch(/REFUTED after \d+ runs? \(random phase/);
    expect(text).toMatch(/ i {2,}x {2,}y/); // the table header (columns as wide as their widest value)
    expect(text).toMatch(/certificate: rows 0 and 1 are the same point/);
    expect(text).toMatch(new RegExp(`replay: rethink search duplicates-fittable --seed ${seed} --path \\d+(:\\d+)*$`, 'm'));
  });

  test('the store: a refutation is saved and found again on the next run without search; --no-store leaves no file', async () => {
    const store = join(tmp, 'store');
    const first = await rethink(['bias-placement', '--json', '--store', store, '--seed', '1']);
    expect(existsSync(join(store, 'bias-placement.json'))).toBe(true);
    const second = await rethink(['bias-placement', '--json', '--store', store, '--seed', '2']);
    expect(second.json).toMatchObject({ phase: 'store', runs: 0, seed: 1, counterexample: first.json!.counterexample });
    await rethink(['translation-per-sigma', '--json', '--no-store', '--store', store, '--seed', '1']);
    expect(existsSync(join(store, 'translation-per-sigma.json'))).toBe(false);
  });

  test('a survival: runs, coverage and the closest score', async () => {
    const { code, text } = await rethink(['massart', '--no-store', '--seed', String(seed), '--runs', '40']);
    expect(code).toBe(0);
    expect(text).toMatch(/SURVIVED 40 runs .*as expected \(holds\)/);
    expect(text).toMatch(/coverage: \d+ distinct inputs; n = \d+, N = \d+: \d+/);
    expect(text).toMatch(/closest to a violation: score -?[\d.e-]+/);
  });

  test('an outcome that differs from expected exits 1', async () => {
    // too small a budget for the targeted needle: it survives, against its expectation
    const { code, json } = await rethink(['hidden-units-n-minus-3', '--json', '--no-store', '--no-target', '--runs', '1', '--seed', '1']);
    expect(json).toMatchObject({ verdict: 'survived', expected: 'refuted', matchesExpected: false });
    expect(code).toBe(1);
  });
});

describe('rethink search on user files (the compiled binary)', () => {
  test('a .js file and a .ts file run with no build step; the output says how to replay', () => {
    const js = spawn([join(fixtures, 'refuted.js'), '--seed', '5', '--no-store', '--json']);
    expect(js.status, js.stderr).toBe(0);
    const r = JSON.parse(js.stdout);
    expect(r).toMatchObject({ name: 'fixture-js', verdict: 'refuted', seed: 5 });
    expect(r.replay).toBe(`rethink search ${join(fixtures, 'refuted.js')} --seed 5 --path ${r.path}`);
    const ts = spawn([join('examples', 'conjectures', 'thresholds-massart.ts'), '--seed', '5', '--no-store', '--runs', '30']);
    expect(ts.status, ts.stderr).toBe(0);
    expect(ts.stdout).toMatch(/SURVIVED 30 runs/);
  });

  test('bad files: exit code 2 and one line naming the problem, no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [[join(fixtures, 'missing.ts')], /missing\.ts: no such file; give a built-in name/],
      [[join(fixtures, 'named-only.ts')], /has no default export made by conjecture\(\{\.\.\.\}\); it exports conjecture forgotDefault by name/],
      [[join(fixtures, 'throws.ts'), '--seed', '1'], /fixture-throws: the predicate threw RangeError: index \d+ out of range at input \d+ \(seed 1\)/],
      [[join(fixtures, 'picky.ts'), '--seed', '1'], /fc\.pre rejected \d+ of \d+ generated inputs/],
    ];
    for (const [args, message] of cases) {
      const res = spawn([...args, '--no-store']);
      expect(res.status, args.join(' ')).toBe(2);
      const errorLines = res.stderr.split('\n').filter((l) => l !== '' && !/^seed: /.test(l));
      expect(errorLines, args.join(' ')).toHaveLength(1);
      expect(errorLines[0]).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('rethink search: bad flags and paths', () => {
  test('exit code 2 and one error line naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['no-such-conjecture'], /unknown conjecture 'no-such-conjecture': built-ins are theorem1-exact, /],
      [['weight-bound', '--seed', '1', '--path', '0:9999'], /--path 0:9999/],
      [['weight-bound', '--seed', '1', '--path', 'zero'], /--path 'zero' is malformed/],
      [['weight-bound', '--path', '0:1'], /needs the --seed it was found with/],
      [['weight-bound', 'massart'], /one argument besides flags, got 'weight-bound' and 'massart'/],
      [['--all', '--list'], /give exactly one of --list, --all, or a conjecture/],
      [['--all', '--path', '0'], /--path replays one conjecture/],
      [['weight-bound', '--runs', '0'], /--runs 0: must be an integer in \[1, 10000000\]/],
      [['--list', '--seed', '3'], /--seed has no effect with --list/],
      [['weight-bound', '--store', 'somewhere', '--no-store'], /--store names the store that --no-store turns off/],
      [['weight-bound', '--seed', '1', '--path', '0:1', '--runs', '5'], /--runs has no effect on a replay/],
    ];
    for (const [args, message] of cases) {
      const { code, errors } = await rethink(args.includes('--list') || args.includes('--no-store') ? args : [...args, '--no-store']);
      expect(code, args.join(' ')).toBe(2);
      expect(errors, args.join(' ')).toHaveLength(1);
      expect(errors[0]).toMatch(/^rethink search: error: /);
      expect(errors[0]).toMatch(message);
    }
  });

  test('--help shows the usage with the operand, every flag and examples', async () => {
    const out = memoryOutput();
    expect(await main(['search', '--help'], out)).toBe(0);
    const help = out.tables.join('\n');
    expect(help).toMatch(/Usage: rethink search \(--list \| --all \| <name> \| <file\.ts\|file\.js>\) \[flags\]/);
    for (const flag of ['--list', '--all', '--runs', '--seed', '--path', '--no-target', '--no-store', '--store', '--json']) expect(help).toContain(flag);
  });
});
