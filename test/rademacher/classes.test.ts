/**
 * The class registry (src/rademacher/classes.ts): every class is reachable from the CLI — a
 * `--class` choice, in the help with its summary, run on a small sample, its options accepted and
 * the others refused — and covered by the law properties (proofs/rademacher/registry.proof.ts runs
 * every law a class claims). A class whose sup is only found from below is reported one-sided.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { memoryOutput } from '../../src/cli/output.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { resultFields, resultRows } from '../../src/cli/rademacher.js';
import { CLASSES, CLASS_IDS, CLASS_OPTION_IDS, LAWS, classOptions, classSpec, classesTaking, type ClassSpec, type Law } from '../../src/rademacher/classes.js';
import { estimateRademacher, exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass, type SupOracle } from '../../src/rademacher/oracles.js';
import { LAW_CHECKS } from '../../proofs/rademacher/laws.js';

const root = join(import.meta.dirname, '../..');

async function cli(args: string[]) {
  const out = memoryOutput();
  const code = await main(args, out);
  return { code, ...out };
}

/** The help's text with its wrapping undone. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ');

describe('every class of the registry is reachable from the CLI', () => {
  test('its id is a --class choice and its summary is in the help; each option flag names the classes that take it', async () => {
    const flags = COMMANDS.rademacher.flags as Record<string, { choices?: readonly string[] }>;
    expect(flags.class!.choices).toEqual(CLASS_IDS);
    const help = await cli(['rademacher', '--help']);
    const text = oneLine(help.tables.join('\n'));
    for (const id of CLASS_IDS) expect(text, id).toContain(`${id} (${oneLine(CLASSES[id].summary)}`);
    for (const option of CLASS_OPTION_IDS) expect(text, option).toContain(`, for ${classesTaking(option).join(', ')}`);
  });

  test.each(CLASS_IDS)('%s: runs on a small sample (Monte Carlo and --exact) with its confidence limits, takes its options and refuses the others', async (id) => {
    const spec: ClassSpec = CLASSES[id];
    const base = ['rademacher', '--class', id, '--data', 'synthetic', '--n', '6', ...(spec.oneDimensional === true ? [] : ['--d', '3']), '--seed', '4', '--json'];
    const mc = await cli([...base, '--draws', '50']);
    expect(mc.code, mc.errors.join('\n')).toBe(0);
    const r = mc.jsons[0] as Record<string, number | string | null>;
    expect(r).toMatchObject({ class: id, n: 6, draws: 50, supKind: spec.supKind, lowerBound: (r.estimate as number) - (r.halfWidth as number) });
    expect(r.upperBound).toBe(spec.supKind === 'exact' ? (r.estimate as number) + (r.halfWidth as number) : null);
    const ex = await cli([...base, '--exact']);
    expect(ex.code, ex.errors.join('\n')).toBe(0);
    expect(ex.jsons[0]).toMatchObject({ class: id, n: 6, draws: 64, halfWidth: 0, supKind: spec.supKind });
    for (const option of CLASS_OPTION_IDS) {
      const given = await cli([...base, '--exact', `--${option}`, option === 'gamma' ? '0.5' : '2']);
      if (spec.options.includes(option)) expect(given.code, `--${option}: ${given.errors.join('\n')}`).toBe(0);
      else {
        expect(given.code, `--${option}`).toBe(2);
        expect(given.errors[0]).toContain(`--${option} is the `);
        expect(given.errors[0]).toContain(`it applies to --class ${classesTaking(option).join(', ')}`);
        expect(given.errors[0]).toContain(`not ${id}`);
      }
    }
  });

  test('the registry is light: importing it, or the CLI\'s flag table, loads no math library, worker pool or TensorFlow.js (dist/)', () => {
    const hooks = pathToFileURL(join(root, 'test/fixtures/load-hooks.mjs')).href;
    for (const module of ['dist/rademacher/classes.js', 'dist/cli/commands.js']) {
      const r = spawnSync(process.execPath, ['--import', hooks, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(root, module)).href)})`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('loaded '));
      expect(loaded.some((l) => l.endsWith('/dist/rademacher/oracles.js')), module).toBe(true); // the hook sees the modules
      expect(loaded.filter((l) => /node_modules\/(mathjs|ml-matrix|piscina|@tensorflow)\//.test(l)), module).toEqual([]);
    }
  });
});

describe('every class of the registry is covered by the law properties', () => {
  test('each claims range and bounds (they hold for every class) and only known laws, once; each law has a check and a class that claims it', () => {
    const laws = Object.keys(LAWS) as Law[];
    expect(Object.keys(LAW_CHECKS).sort()).toEqual([...laws].sort());
    for (const id of CLASS_IDS) {
      const claimed = CLASSES[id].laws as readonly Law[];
      expect(claimed, id).toEqual(expect.arrayContaining(['range', 'bounds']));
      expect(new Set(claimed).size, id).toBe(claimed.length);
      for (const law of claimed) expect(laws, `${id}: ${law}`).toContain(law);
    }
    for (const law of laws) expect(CLASS_IDS.filter((id) => (CLASSES[id].laws as readonly Law[]).includes(law)), law).not.toEqual([]);
  });

  test('the oracle a class builds says what the registry says (supKind, n); a class on the line refuses two columns', () => {
    const X = { rows: 4, cols: 1, data: Float64Array.from([0, 1, 2, 3]) };
    const wide = { rows: 2, cols: 2, data: Float64Array.from([0, 1, 2, 3]) };
    for (const id of CLASS_IDS) {
      const spec: ClassSpec = CLASSES[id];
      const { oracle, bounds } = spec.build(X, classOptions({ seed: 1 }));
      expect([oracle.supKind ?? 'exact', oracle.n], id).toEqual([spec.supKind, 4]);
      expect(Object.keys(bounds).length, id).toBeGreaterThan(0);
      if (spec.oneDimensional === true) expect(() => spec.build(wide, classOptions({ seed: 1 })), id).toThrow(new InputError(`${id} is a class on the line: give one feature per point (got 2); the CLI takes the mean intensity or a CSV's first column`));
    }
  });

  test('ids and options: an unknown class is refused naming the valid ones; options not given take their defaults', () => {
    expect(() => classSpec('circles')).toThrow(new InputError(`unknown class 'circles': valid classes are ${CLASS_IDS.join(', ')}`));
    expect(classSpec('thresholds')).toBe(CLASSES.thresholds);
    expect(classOptions({ B: 2, seed: 7 })).toEqual({ B: 2, gamma: 0.02, degree: 2, hypotheses: 100, seed: 7 });
    expect(classesTaking('degree')).toEqual(['rkhs-polynomial']);
    expect(classesTaking('gamma')).toEqual(['rkhs-gaussian']);
    expect(classesTaking('hypotheses')).toEqual(['finite']);
  });

  test('all functions: points are equal only when every coordinate is (rows (1, 23) and (12, 3) are two points)', () => {
    const X = { rows: 3, cols: 2, data: Float64Array.from([1, 23, 12, 3, 1, 23]) }; // points 1 and 3 are equal
    const { oracle } = classSpec('all-functions').build(X, classOptions({ seed: 1 }));
    // sup over f of Σ σ_i f(x_i) = Σ over distinct points of |Σ of their σ|
    expect(Array.from(oracle.supBatch(Int8Array.from([1, -1, 1, /**/ 1, 1, -1]), 2))).toEqual([3, 1]);
  });
});

describe('a class whose sup is found from below is reported one-sided', () => {
  // A witness of the finite class P: the best of its first two hypotheses only (≤ the sup at every σ).
  const P = [[1, -1, 1, 1, -1], [-1, -1, 1, -1, 1], [1, 1, 1, -1, -1], [-1, 1, -1, 1, 1]];
  const full = finiteClass(P);
  const sampled: SupOracle = { ...finiteClass(P.slice(0, 2)), supKind: 'lower' };

  test('the CLI\'s JSON and table: a lower bound with upperBound null and a note — no ± half-width, no exact fraction', () => {
    const mc = resultFields({ estimate: estimateRademacher(sampled, { draws: 200, seed: 3 }) });
    expect(mc).toMatchObject({ supKind: 'lower', upperBound: null, exact: null });
    expect(mc.note).toMatch(/^one-sided: .*found from below/);
    const rows = resultRows(mc, 0.05, false);
    expect(rows.map(([k]) => k)).toEqual(['estimate (200 draws), found from below', 'lower bound on R̂ (one-sided, δ = 0.05)', 'note']);
    expect(rows[1]![1]).toBe(`R̂ ≥ ${Math.round((mc.lowerBound as number) * 1e5) / 1e5}`);
    expect(rows.flat().join(' ')).not.toMatch(/±|half-width/);
    const all = resultFields({ exhaustive: exhaustiveRademacher(sampled) });
    expect(all).toMatchObject({ supKind: 'lower', exact: null, upperBound: null, halfWidth: 0, draws: 32 });
    expect(resultRows(all, 0.05, true).map(([k]) => k)).toEqual(['value (all 2^n σ), found from below', 'lower bound on R̂', 'note']);
    // and a class whose oracle gives the sup: two-sided, as before
    const two = resultFields({ estimate: estimateRademacher(full, { draws: 200, seed: 3 }) });
    expect(resultRows(two, 0.05, false).map(([k]) => k)).toEqual(['estimate (200 draws)', 'half-width (δ = 0.05)']);
    expect(resultRows(resultFields({ exhaustive: exhaustiveRademacher(full) }), 0.05, true).map(([k]) => k)).toEqual(['value (all 2^n σ)', 'exact']);
  });
});
