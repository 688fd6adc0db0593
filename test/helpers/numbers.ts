/** max_i |a_i − b_i| / max_i |b_i|: the largest difference relative to the reference's scale. */
export function maxRelErr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`maxRelErr: lengths ${a.length} and ${b.length} differ`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-30);
}
