import { arbitraries, conjecture, exhaustiveRademacher, thresholds } from 'rethink';

// Thresholds make n + 1 labellings of n points, so Massart's lemma bounds R̂ by √(2 ln(n + 1) / n).
export default conjecture({
  name: 'thresholds-massart',
  statement: 'one-sided thresholds on n distinct points have R̂ ≤ √(2 ln(n + 1) / n)',
  source: "Massart's lemma (Massart 2000, Lemma 5.2; Shalev-Shwartz & Ben-David 2014, Lemma 26.8)",
  expected: 'holds',
  arbitrary: arbitraries.linePoints(12),
  predicate: (x) => exhaustiveRademacher(thresholds(x)).value <= Math.sqrt((2 * Math.log(x.length + 1)) / x.length),
});
