import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { search } from '../src/conjectures/search.js';
import { isConjecture } from '../src/conjectures/conjecture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The README's example blocks: a `<!-- file: PATH -->` line, then a fenced block holding that file. */
const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```\w*\n([^]*?)```/g)].map((m) => ({ path: m[1] as string, code: m[2] as string }));

describe('README examples', () => {
  test('each example block is its file, letter for letter (the files run in the suite: the .test.ts through vitest, the conjectures below)', () => {
    expect(blocks.map((b) => b.path)).toEqual(['examples/conjectures/thresholds-rate.ts', 'examples/conjectures/thresholds-massart.ts', 'examples/conjectures/thresholds.test.ts']);
    for (const b of blocks) expect(b.code, b.path).toBe(readFileSync(join(root, b.path), 'utf8'));
  });

  test('the refuted example is refuted on two points, the other survives', async () => {
    const rate = (await import('../examples/conjectures/thresholds-rate.js')).default;
    const massart = (await import('../examples/conjectures/thresholds-massart.js')).default;
    expect(isConjecture(rate) && isConjecture(massart)).toBe(true);
    const seed = Number(process.env.FC_SEED);
    const r = await search(rate, { seed });
    expect(r).toMatchObject({ verdict: 'refuted', expected: 'refuted' });
    expect((r as { counterexample: number[] }).counterexample).toHaveLength(2); // R̂ = 3/4 > 1/√2
    expect(await search(massart, { seed })).toMatchObject({ verdict: 'survived', expected: 'holds' });
  });
});
