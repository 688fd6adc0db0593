import { InputError } from '../errors.js';
import { parseDecimal } from '../data/decimal.js';
import type { LabelRandomizationId } from '../randomization/registry.js';

/**
 * The label randomization of a theory command from `--randomization`/`--p`, or from the deprecated
 * `--labels true|random` (same meaning; the flag parser prints a note naming the new spelling).
 */
export function labelRandomization(
  flags: { readonly randomization?: LabelRandomizationId; readonly p?: number; readonly labels?: 'true' | 'random' },
): { randomization: LabelRandomizationId; p: number | undefined } {
  if (flags.labels !== undefined && flags.randomization !== undefined) {
    throw new InputError('--labels and --randomization say the same thing: give --randomization only');
  }
  const randomization = flags.randomization ?? (flags.labels === 'random' ? 'random-labels' : 'true-labels');
  if (randomization === 'corrupt-labels' && flags.p === undefined) throw new InputError('--randomization corrupt-labels needs --p, the corruption probability in [0, 1]');
  if (randomization !== 'corrupt-labels' && flags.p !== undefined) throw new InputError(`--p is for --randomization corrupt-labels (got ${randomization})`);
  return { randomization, p: flags.p };
}

/** `--ps '0,0.5,1'` → [0, 0.5, 1]; an empty entry, a non-number or a p outside [0, 1] is refused. */
export function parsePs(raw: string): number[] {
  const parts = raw.split(',').map((t) => t.trim());
  for (const t of parts) {
    const p = parseDecimal(t);
    if (p === null || p < 0 || p > 1) {
      throw new InputError(`--ps '${raw}': '${t}' is not a corruption level in [0, 1]; give comma-separated numbers, e.g. 0,0.5,1`);
    }
  }
  return parts.map(Number);
}
