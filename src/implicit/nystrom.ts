/**
 * A Nyström preconditioner for K α = Y, in the spirit of EigenPro (Ma & Belkin, "Diving into the
 * shallows: a computational perspective on large-scale shallow learning", NIPS 2017) and of the
 * randomized Nyström preconditioner of Frangella, Tropp & Udell (SIAM J. Matrix Anal. Appl. 2023);
 * FALKON (Rudi, Carratino & Rosasco, NIPS 2017) preconditions with the same kind of subsample.
 *
 * From s landmark points S (a seeded uniform subsample) the Nyström approximation
 * K̂ = C W⁻¹ Cᵀ (C = K[:, S] (n, s), W = K[S, S]) has the eigendecomposition K̂ = U Λ̂ Uᵀ, computed
 * as B = C L⁻ᵀ (W + νI = L Lᵀ, a tiny shift ν for stability), BᵀB = V Λ̂ Vᵀ, U = B V Λ̂^{−1/2}. Its
 * top q eigenpairs define
 *
 *   M = I − U_q D U_qᵀ,   D = diag(1 − λ̂_{q+1}/λ̂_i),
 *
 * which maps K's top eigenvalues λ_i (≈ λ̂_i) down to ≈ λ̂_{q+1} and leaves the rest of the spectrum
 * alone: conjugate gradients on the preconditioned system then see a condition number of about
 * λ_{q+1}/λ_n instead of λ_1/λ_n. M is symmetric and positive definite by construction (its
 * eigenvalues lie in [1 − max D, 1] when U_q is orthonormal); because U_q is computed in float32 its
 * columns are re-orthonormalised once (Cholesky QR), the remaining orthonormality error
 * ε = ‖U_qᵀU_q − I‖_F is measured, and D is scaled by 1/(1 + ε) and capped at 1 − τ, so that M stays
 * positive definite whatever the rounding (τ = 10⁻⁵: M's smallest eigenvalue is at least 10⁻⁵).
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { symmetricEigen } from '../linalg/symmetric-eigen.js';
import { Rng } from '../random/rng.js';

/** Options of {@link nystromPreconditioner}. */
export interface NystromOptions {
  /** landmarks: the subsample size s (at most n) */
  readonly s: number;
  /** rank: the top-q eigenpairs used (at most s − 1) */
  readonly q: number;
  /** seed of the landmark subsample (the run's seed) */
  readonly seed: number;
}

/** The preconditioner M = I − U D Uᵀ and how it was built. */
export interface NystromPreconditioner {
  /** landmarks used */
  readonly s: number;
  /** eigenpairs used (q may be cut below the requested rank where K̂'s spectrum ends in rounding) */
  readonly q: number;
  /** λ̂_1, the largest eigenvalue of the Nyström approximation (≈ K's largest) */
  readonly lambdaMax: number;
  /** λ̂_{q+1}: the level the top eigenvalues are mapped to */
  readonly lambdaFloor: number;
  /** ‖UᵀU − I‖_F of the float32 eigenvectors */
  readonly orthogonalityError: number;
  /** a lower bound on M's smallest eigenvalue (M's largest is 1) */
  readonly minEigenvalue: number;
  /** the shift ν added to W before its Cholesky factorisation */
  readonly shift: number;
  /** SHA-256 of the landmarks, λ̂ and D: equal for equal inputs (checkpoints compare it) */
  readonly fingerprint: string;
  /** wall time of the construction */
  readonly ms: number;
  /** M·R for R (n, k) row-major, in float64 (the correction U D UᵀR is computed on the engine in float32) */
  apply(R: Float64Array): Promise<Float64Array>;
  /** frees the engine's copy of U */
  dispose(): void;
}

/** The cap τ of D: M's eigenvalues stay ≥ τ (well above the float32 rounding of applying M). */
const TAU = 1e-5;

/**
 * The weights D of M = I − U D Uᵀ from the eigenvalues λ̂ (descending) and the measured orthonormality
 * error ε = ‖UᵀU − I‖_F: D_i = min(1 − λ̂_{q+1}/λ̂_i, 1 − τ)/(1 + ε). Since ‖UᵀU‖₂ ≤ 1 + ε, U D Uᵀ
 * has eigenvalues at most max D·(1 + ε) ≤ 1 − τ, so M's eigenvalues lie in [τ, 1]: positive
 * definite whatever the rounding of U.
 *
 * @returns D (q) and the lower bound 1 − max D·(1 + ε) on M's smallest eigenvalue
 * @example
 * preconditionerWeights(Float64Array.of(100, 10, 1), 2, 0).D; // [0.99, 0.9]
 */
export function preconditionerWeights(values: Float64Array, q: number, orthogonalityError: number): { D: Float64Array; minEigenvalue: number } {
  const lambdaFloor = values[q] as number;
  const D = new Float64Array(q);
  let maxD = 0;
  for (let i = 0; i < q; i++) {
    D[i] = Math.min(1 - lambdaFloor / (values[i] as number), 1 - TAU) / (1 + orthogonalityError);
    maxD = Math.max(maxD, D[i] as number);
  }
  return { D, minEigenvalue: 1 - maxD * (1 + orthogonalityError) };
}

/**
 * Cholesky factor L (lower, row-major) of A + shift·I for symmetric A (s, s) in float64, or null when
 * a pivot is not positive.
 */
export function choleskyLower(A: Float64Array, s: number, shift: number): Float64Array | null {
  const L = new Float64Array(s * s);
  for (let j = 0; j < s; j++) {
    const lj = j * s;
    let dsum = (A[lj + j] as number) + shift;
    for (let t = 0; t < j; t++) dsum -= (L[lj + t] as number) ** 2;
    if (!(dsum > 0)) return null;
    const djj = Math.sqrt(dsum);
    L[lj + j] = djj;
    for (let i = j + 1; i < s; i++) {
      const li = i * s;
      let v = A[li + j] as number;
      for (let t = 0; t < j; t++) v -= (L[li + t] as number) * (L[lj + t] as number);
      L[li + j] = v / djj;
    }
  }
  return L;
}

/** L⁻¹ of a lower-triangular L (s, s), row-major, by forward substitution on the identity. */
export function invertLower(L: Float64Array, s: number): Float64Array {
  const inv = new Float64Array(s * s);
  for (let c = 0; c < s; c++) {
    // column c of L⁻¹: solve L x = e_c (x_i = 0 for i < c)
    inv[c * s + c] = 1 / (L[c * s + c] as number);
    for (let i = c + 1; i < s; i++) {
      const li = i * s;
      let v = 0;
      for (let t = c; t < i; t++) v -= (L[li + t] as number) * (inv[t * s + c] as number);
      inv[li + c] = v / (L[li + i] as number);
    }
  }
  return inv;
}

/**
 * Builds the preconditioner from rows of K (any access: the blocks of the blocked solver) on the
 * current tfjs backend.
 *
 * @param row - row i of K as float32 (n)
 * @param n - points
 * @param k - columns of the right-hand sides it will be applied to
 * @param options - landmarks s, rank q, seed
 * @throws InputError when s or q is out of range or W cannot be factorised even with a shift
 * @example
 * const M = await nystromPreconditioner((i) => kernelRow(shared, i), n, 10, { s: 1500, q: 1000, seed: 1 });
 * const Z = await M.apply(R);
 */
export async function nystromPreconditioner(row: (i: number) => Float32Array, n: number, k: number, options: NystromOptions): Promise<NystromPreconditioner> {
  const t0 = performance.now();
  const { s } = options;
  if (!(Number.isInteger(s) && s >= 2 && s <= n)) throw new InputError(`nystrom: s = ${s} landmarks for n = ${n} points; choose 2 … ${n}`);
  if (!(Number.isInteger(options.q) && options.q >= 1 && options.q < s)) throw new InputError(`nystrom: rank q = ${options.q} with s = ${s} landmarks; choose 1 … ${s - 1}`);
  const all = Array.from({ length: n }, (_, i) => i);
  const landmarks = Int32Array.from(new Rng(options.seed).fork('nystrom-landmarks').shuffle(all).slice(0, s)).sort();
  const Ct = new Float32Array(s * n); // (s, n) = C ᵀ: rows S of K (K is symmetric)
  for (let j = 0; j < s; j++) Ct.set(row(landmarks[j] as number), j * n);
  const W = new Float64Array(s * s); // (s, s) = K[S, S], symmetrised
  let maxDiag = 0;
  for (let j = 0; j < s; j++) {
    for (let l = 0; l <= j; l++) {
      const v = ((Ct[j * n + (landmarks[l] as number)] as number) + (Ct[l * n + (landmarks[j] as number)] as number)) / 2;
      W[j * s + l] = v;
      W[l * s + j] = v;
    }
    maxDiag = Math.max(maxDiag, W[j * s + j] as number);
  }
  // K's entries carry float32 rounding: a shift of s·2⁻²⁴·max diag covers it (Frangella et al. use
  // the same kind of shift); it grows ×10 until the factorisation succeeds.
  let shift = s * 2 ** -24 * maxDiag;
  let L = choleskyLower(W, s, shift);
  for (let tries = 0; L === null && tries < 8; tries++) {
    shift *= 10;
    L = choleskyLower(W, s, shift);
  }
  if (L === null) throw new InputError(`nystrom: the landmarks' kernel matrix (${s} × ${s}) is not positive definite even with a shift of ${shift.toExponential(2)}: duplicate points or a kernel that is not positive definite`);
  const Linv = Float32Array.from(invertLower(L, s)); // (s, s)
  const CtT = tf.tensor2d(Ct, [s, n]);
  const Bt = tf.tidy(() => tf.matMul(tf.tensor2d(Linv, [s, s]), CtT)); // (s, n) = Bᵀ = L⁻¹ Cᵀ
  CtT.dispose();
  const G32 = tf.matMul(Bt, Bt, false, true); // (s, s) = BᵀB
  const g = (await G32.data()) as Float32Array;
  G32.dispose();
  const G = new Float64Array(s * s);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) G[i * s + j] = ((g[i * s + j] as number) + (g[j * s + i] as number)) / 2;
  const { values, vectors } = symmetricEigen(G, s); // λ̂ descending; vectors column-major
  const lambdaMax = values[0] as number;
  // Eigenvalues below the float32 rounding of BᵀB carry no direction: cut the rank there.
  let rank = 0;
  while (rank < s && (values[rank] as number) > 1e-6 * lambdaMax) rank++;
  const q = Math.max(1, Math.min(options.q, rank - 1));
  const lambdaFloor = values[q] as number;
  const coef = new Float32Array(q * s); // (q, s) = Λ̂_q^{−1/2} V_qᵀ
  for (let i = 0; i < q; i++) {
    const scale = 1 / Math.sqrt(values[i] as number);
    for (let j = 0; j < s; j++) coef[i * s + j] = (vectors[i * s + j] as number) * scale;
  }
  let Ut: tf.Tensor2D = tf.tidy(() => tf.matMul(tf.tensor2d(coef, [q, s]), Bt)); // (q, n) = U_qᵀ
  Bt.dispose();
  // U is orthonormal only to about 10⁻³ in float32 (its columns come out of long sums); one pass of
  // Cholesky QR (UᵀU = LLᵀ, U ← U L⁻ᵀ) brings that to about 10⁻⁵, so that the top eigenvalues can be
  // brought down to λ̂_{q+1} instead of being held up by the orthogonality error (see below).
  const gram = async (V: tf.Tensor2D): Promise<Float64Array> => {
    const G = tf.matMul(V, V, false, true); // (q, q) = V Vᵀ for V = Uᵀ
    const g = (await G.data()) as Float32Array;
    G.dispose();
    return Float64Array.from({ length: q * q }, (_, t) => ((g[t] as number) + (g[(t % q) * q + Math.floor(t / q)] as number)) / 2);
  };
  const LU = choleskyLower(await gram(Ut), q, 0);
  if (LU !== null) {
    const LUinv = Float32Array.from(invertLower(LU, q));
    const next: tf.Tensor2D = tf.tidy(() => tf.matMul(tf.tensor2d(LUinv, [q, q]), Ut)); // (q, n) = L⁻¹Uᵀ = (U L⁻ᵀ)ᵀ
    Ut.dispose();
    Ut = next;
  }
  const gu = await gram(Ut);
  const U = tf.transpose(Ut) as tf.Tensor2D; // (n, q)
  Ut.dispose();
  let err2 = 0;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) err2 += ((gu[i * q + j] as number) - (i === j ? 1 : 0)) ** 2;
  const orthogonalityError = Math.sqrt(err2);
  const { D, minEigenvalue } = preconditionerWeights(values, q, orthogonalityError);
  const fingerprint = createHash('sha256')
    .update(new Uint8Array(landmarks.buffer))
    .update(new Uint8Array(values.buffer))
    .update(new Uint8Array(D.buffer))
    .digest('hex');
  return {
    s,
    q,
    lambdaMax,
    lambdaFloor,
    orthogonalityError,
    minEigenvalue,
    shift,
    fingerprint,
    ms: performance.now() - t0,
    async apply(R: Float64Array): Promise<Float64Array> {
      if (R.length !== n * k) throw new InputError(`nystrom: R has ${R.length} values, expected (n, k) = (${n}, ${k})`);
      const Rt = new Float32Array(k * n); // (k, n) = Rᵀ
      for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) Rt[c * n + i] = R[i * k + c] as number;
      const T = tf.tidy(() => tf.matMul(tf.tensor2d(Rt, [k, n]), U)); // (k, q) = (UᵀR)ᵀ
      const t = (await T.data()) as Float32Array;
      T.dispose();
      const X = new Float32Array(q * k); // (q, k) = D UᵀR
      for (let i = 0; i < q; i++) for (let c = 0; c < k; c++) X[i * k + c] = (D[i] as number) * (t[c * q + i] as number);
      const Corr = tf.tidy(() => tf.matMul(U, tf.tensor2d(X, [q, k]))); // (n, k) = U D UᵀR
      const corr = (await Corr.data()) as Float32Array;
      Corr.dispose();
      const Z = new Float64Array(n * k);
      for (let t2 = 0; t2 < n * k; t2++) Z[t2] = (R[t2] as number) - (corr[t2] as number);
      return Z;
    },
    dispose(): void {
      U.dispose();
    },
  };
}
