/** The hypothesis classes `rethink rademacher --class` knows (kept apart from the oracles so that listing them loads no math library). */
export const CLASS_NAMES = [
  'finite',
  'linear-l2',
  'linear-l1',
  'rkhs-gaussian',
  'rkhs-polynomial',
  'thresholds',
  'two-sided-thresholds',
  'intervals',
  'all-functions',
  'relu-2layer',
] as const;
export type ClassName = (typeof CLASS_NAMES)[number];

export { MAX_EXACT_N } from './signs.js';
