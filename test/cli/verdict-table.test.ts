/** The verdict table `rethink reproduce` prints: long cells wrap onto more lines instead of being cut. */
import { describe, expect, it } from 'vitest';
import { verdictTable } from '../../src/cli/reproduce.js';
import type { PlanResults } from '../../src/experiments/results.js';

const claim = (name: string, expected: boolean, verdict: 'confirmed' | 'not confirmed') => ({
  study: 'fig1b',
  name,
  measured: { value: 2.5 },
  unit: '×',
  paper: { value: null, where: 'Fig. 1b: the time to fit grows with the fraction of corrupted labels, up to random labels' },
  tolerance: { text: '≥ 1.5×' },
  verdict,
  scale: { expected },
});

describe('verdict table', () => {
  it('prints every word of a long claim and paper reference, within the columns, and counts the expected claims', () => {
    const long = 'random labels take longer to fit than true labels, and the slowdown grows with the corruption level p across every seed';
    const results = {
      profile: 'quick',
      runs: { failed: 0, missing: 0 },
      claims: [claim(long, true, 'confirmed'), claim('short', false, 'not confirmed')],
    } as unknown as PlanResults;
    const text = verdictTable(results);
    const lines = text.split('\n');
    const rule = lines.find((l) => l.startsWith('─'))!;
    for (const l of lines.slice(0, lines.indexOf('') === -1 ? lines.length : lines.indexOf(''))) expect(l.length).toBeLessThanOrEqual(rule.length);
    const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');
    const printed = words(lines.join(' '));
    for (const w of [...words(long), ...words('Fig. 1b: the time to fit grows with the fraction of corrupted labels, up to random labels')]) expect(printed).toContain(w);
    expect(text).not.toContain('…');
    for (const w of words('not confirmed (not expected at this scale)')) expect(printed).toContain(w);
    expect(lines[lines.length - 1]).toBe('1 of 1 claims expected at the quick profile confirmed.');
  });
});
