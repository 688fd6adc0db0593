import { InputError } from '../errors.js';
import type { LabelRandomizationId } from '../randomization/names.js';

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
