/**
 * The package as a user imports it: from another directory, through its package.json exports and
 * the compiled dist/ (npm test builds it first). The root exports the documented API and nothing
 * else; each subpath loads; the README's library examples run and print what they say.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');
const user = mkdtempSync(join(tmpdir(), 'rethink-user-'));
mkdirSync(join(user, 'node_modules'));
writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'a-user-project', type: 'module', private: true }));
symlinkSync(root, join(user, 'node_modules', 'rethink'), 'dir');
afterAll(() => rmSync(user, { recursive: true, force: true }));

const node = (args: string[]): string => execFileSync(process.execPath, args, { cwd: user, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The documented API of the package root (README "The library"); changing it is a decision, made here. */
const ROOT_API = [
  'BUILTIN_CONJECTURES', 'DEFAULT_LAMBDA', 'InputError', 'InterpolatedNetwork', 'InterruptedError', 'RANDOMIZATIONS', 'ReluNetwork', 'Rng',
  'allFunctions', 'arbitraries', 'builtinConjecture', 'certify', 'checkExact', 'compareClasses', 'conjecture', 'deepen', 'diagnose',
  'estimateRademacher', 'exhaustiveRademacher', 'fc', 'finiteClass', 'fractionField', 'gaussianGram', 'gdLeastSquares', 'interpolate',
  'interpolateClasses', 'interpolateExact', 'intervals', 'kernelBallBounds', 'kernelInterpolate', 'l1Bound', 'linearL1', 'linearL2',
  'linearTrace', 'loadDataset', 'loadNetwork', 'massartBound', 'minNormExact', 'minNormSolution', 'mohriBound', 'numberField',
  'parseCsv', 'polynomialGram', 'readCsv', 'relu2Layer', 'ridgeStability', 'rkhsBall', 'saveExactNetwork', 'saveNetwork', 'search',
  'sgdExact', 'sgdLeastSquares', 'sgdLimit', 'ssbdBound', 'thresholds', 'toFraction', 'toMatrix', 'twoSidedThresholds', 'vcRademacherBound',
];

describe('the package as a user imports it', () => {
  test('the root exports the documented API and nothing else (no CLI entry, no internals)', () => {
    const names = JSON.parse(node(['--input-type=module', '-e', "const m = await import('rethink'); console.log(JSON.stringify(Object.keys(m).sort()))"])) as string[];
    expect(names).toEqual([...ROOT_API].sort());
  });

  test('every subpath in package.json loads', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const subpaths = Object.keys(pkg.exports).filter((p) => p !== '.' && p !== './package.json' && p !== './vitest'); // rethink/vitest needs a vitest run
    expect(subpaths).toEqual(['./expressivity', './rademacher', './implicit', './training', './experiments']);
    for (const p of subpaths) {
      const count = Number(node(['--input-type=module', '-e', `const m = await import('rethink/${p.slice(2)}'); console.log(Object.keys(m).length)`]));
      expect(count, p).toBeGreaterThan(5);
    }
  });

  test('the README\'s library examples run against the built package and print what their comments say', () => {
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
    // Copied into the user's directory, so that 'rethink' resolves through node_modules as it would there.
    const run = (file: string): string[] => {
      writeFileSync(join(user, file), readFileSync(join(root, 'examples', 'library', file)));
      return node(['--import', `file://${tsx}`, join(user, file)]).trim().split('\n');
    };
    expect(run('theorem1.ts')).toEqual(['4784 1', 'true', '0', 'true']);
    expect(run('training.ts')).toEqual(['0 true']);
  });

  test('a user\'s .ts study and conjecture files load from a CommonJS project (no "type": "module"), and nothing is left beside them', () => {
    const cjs = mkdtempSync(join(tmpdir(), 'rethink-cjs-'));
    try {
      mkdirSync(join(cjs, 'node_modules'));
      writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'a-commonjs-project', private: true }));
      symlinkSync(root, join(cjs, 'node_modules', 'rethink'), 'dir');
      writeFileSync(join(cjs, 'my-study.ts'), readFileSync(join(root, 'experiments', 'fig1a.ts')));
      writeFileSync(join(cjs, 'rate.ts'), readFileSync(join(root, 'examples', 'conjectures', 'thresholds-rate.ts')));
      const cli = (args: string[]): string => execFileSync(process.execPath, [join(root, 'bin', 'rethink.js'), ...args], { cwd: cjs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(cli(['experiment', './my-study.ts', '--plan-only', '--out', join(cjs, 'plan')])).toMatch(/plan [0-9a-f]+: 5 runs/);
      expect(cli(['search', './rate.ts', '--no-store'])).toMatch(/refuted/);
      expect(readdirSync(cjs).sort()).toEqual(['my-study.ts', 'node_modules', 'package.json', 'plan', 'rate.ts']);
      // a loose copy: no package.json, no node_modules — 'rethink' resolves to the package that runs it
      const loose = join(cjs, 'loose');
      mkdirSync(loose);
      writeFileSync(join(loose, 'rate.ts'), readFileSync(join(root, 'examples', 'conjectures', 'thresholds-rate.ts')));
      rmSync(join(cjs, 'package.json'));
      rmSync(join(cjs, 'node_modules'), { recursive: true });
      expect(cli(['search', join(loose, 'rate.ts'), '--no-store'])).toMatch(/refuted/);
      writeFileSync(join(loose, 'bad.ts'), 'export default {{{\n');
      const bad = spawnSync(process.execPath, [join(root, 'bin', 'rethink.js'), 'search', join(loose, 'bad.ts')], { encoding: 'utf8' });
      expect([bad.status, bad.stderr.trim()]).toEqual([2, expect.stringMatching(/^rethink search: error: \S+\/loose\/bad\.ts failed to load: Transform failed with 1 error: \S+\/loose\/bad\.ts:1:\d+: ERROR: /)]);
      expect(readdirSync(loose).sort()).toEqual(['bad.ts', 'rate.ts']);
    } finally {
      rmSync(cjs, { recursive: true, force: true });
    }
  });
});
