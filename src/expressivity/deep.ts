import { InputError } from '../errors.js';
import { ZERO, reluFraction, toFraction, type Fraction } from '../exact/fraction.js';

/** The arithmetic a deep network is evaluated in: float64 or exact rationals. */
export interface Field<T> {
  readonly zero: T;
  readonly one: T;
  add(p: T, q: T): T;
  sub(p: T, q: T): T;
  mul(p: T, q: T): T;
  neg(p: T): T;
  relu(p: T): T;
}

/** float64 arithmetic. */
export const numberField: Field<number> = {
  zero: 0,
  one: 1,
  add: (p, q) => p + q,
  sub: (p, q) => p - q,
  mul: (p, q) => p * q,
  neg: (p) => -p,
  relu: (p) => (p > 0 ? p : 0),
};

/** Exact rational arithmetic (mathjs Fractions). */
export const fractionField: Field<Fraction> = {
  zero: ZERO,
  one: toFraction(1),
  add: (p, q) => p.add(q),
  sub: (p, q) => p.sub(q),
  mul: (p, q) => p.mul(q),
  neg: (p) => p.neg(),
  relu: reluFraction,
};

/** One unit: ReLU(Σ_t weights[t] · previous[inputs[t]] + bias) (the output unit has no ReLU). */
export interface DeepUnit<T> {
  readonly inputs: readonly number[];
  readonly weights: readonly T[];
  readonly bias: T;
}

/** A feed-forward ReLU network stored sparsely: layer 0 reads x, each later layer reads the one before. */
export interface DeepReluNetwork<T> {
  readonly layers: readonly (readonly DeepUnit<T>[])[];
  /** The linear output unit, reading the last hidden layer. */
  readonly output: DeepUnit<T>;
  /** Units per hidden layer. */
  readonly widths: readonly number[];
  /** Weights and biases a dense MLP with these widths would have. */
  readonly denseParameterCount: number;
  /** Weights and biases actually used (non-structural zeros excluded). */
  readonly sparseParameterCount: number;
  /** Network output at x. */
  evaluate(x: readonly T[]): T;
}

/**
 * The depth-k variant of Theorem 1 (Zhang et al. 2017, §4; derivation in docs/theory.md §1.5): k hidden layers of width ≤ ⌈n/k⌉ + 3 computing
 * *the same function* as the two-layer network c(x) = Σ_j w_j·ReLU(⟨a, x⟩ − b_j) on all of R^d.
 *
 * The n units are split into k chunks of ⌈n/k⌉. Layer 1 computes u = ReLU(⟨a, x⟩ − b_1) and the
 * first chunk. Layer ℓ ≥ 2 passes u on (ReLU(u) = u since u ≥ 0), computes its chunk's units as
 * ReLU(u − (b_j − b_1)) — equal to ReLU(⟨a, x⟩ − b_j) because b_j ≥ b_1 — and carries the running
 * partial sum s as the pair (ReLU(s), ReLU(−s)). The output is the last partial sum.
 *
 * @param shallow - a, b (increasing) and scalar w of the two-layer network, in the field's numbers
 * @param k - the number of hidden layers, ≥ 1
 * @param field - {@link numberField} or {@link fractionField}
 * @example
 * const deep = deepen({ a: exact.a, b: exact.b, w: exact.w }, 3, fractionField);
 * deep.evaluate(x).equals(exact.evaluate(x)); // true for every x
 */
export function deepen<T>(
  shallow: { readonly a: ArrayLike<T>; readonly b: ArrayLike<T>; readonly w: ArrayLike<T> },
  k: number,
  field: Field<T>,
): DeepReluNetwork<T> {
  const n = shallow.b.length;
  const d = shallow.a.length;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`depth must be a positive integer, got ${k}`);
  if (n === 0) throw new InputError('deepen: the network has no units');
  if (shallow.w.length !== n) throw new InputError(`deepen: w has ${shallow.w.length} entries for ${n} units (scalar output needed)`);
  const chunk = Math.ceil(n / k);
  const a = Array.from(shallow.a);
  const b = Array.from(shallow.b);
  const w = Array.from(shallow.w);
  const b1 = b[0] as T;
  const xInputs = Array.from({ length: d }, (_, j) => j);
  const chunkOf = (l: number): number[] => {
    const out: number[] = [];
    for (let j = l * chunk; j < Math.min(n, (l + 1) * chunk); j++) out.push(j);
    return out;
  };

  const layers: DeepUnit<T>[][] = [];
  // Layer 1: u, then chunk 0.
  layers.push([
    { inputs: xInputs, weights: a, bias: field.neg(b1) },
    ...chunkOf(0).map((j) => ({ inputs: xInputs, weights: a, bias: field.neg(b[j] as T) })),
  ]);
  // The partial sum of the previous layer, as a linear unit over its outputs.
  const partialSum = (l: number, hasCarry: boolean): DeepUnit<T> => {
    const units = chunkOf(l);
    const inputs = units.map((_, t) => 1 + t);
    const weights = units.map((j) => w[j] as T);
    if (hasCarry) {
      inputs.push(1 + units.length, 2 + units.length);
      weights.push(field.one, field.neg(field.one));
    }
    return { inputs, weights, bias: field.zero };
  };
  for (let l = 1; l < k; l++) {
    const s = partialSum(l - 1, l >= 2);
    layers.push([
      { inputs: [0], weights: [field.one], bias: field.zero },
      ...chunkOf(l).map((j) => ({ inputs: [0], weights: [field.one], bias: field.neg(field.sub(b[j] as T, b1)) })),
      s,
      { inputs: s.inputs, weights: s.weights.map((v) => field.neg(v)), bias: field.zero },
    ]);
  }
  const output = partialSum(k - 1, k >= 2);

  const widths = layers.map((layer) => layer.length);
  let dense = 0;
  let inWidth = d;
  for (const width of widths) {
    dense += inWidth * width + width;
    inWidth = width;
  }
  dense += inWidth + 1;
  let sparse = output.inputs.length + 1;
  for (const layer of layers) for (const unit of layer) sparse += unit.inputs.length + 1;

  const evaluate = (x: readonly T[]): T => {
    if (x.length !== d) throw new InputError(`deep network: input has ${x.length} features, expected d = ${d}`);
    let prev: readonly T[] = x;
    for (const layer of layers) {
      // Units that share their weight vector (layer 1: every unit reads ⟨a, x⟩) share the dot product.
      const shared = new Map<readonly T[], { inputs: readonly number[]; dot: T }>();
      const input = prev;
      prev = layer.map((unit) => {
        const cached = shared.get(unit.weights);
        let dot: T;
        if (cached !== undefined && cached.inputs === unit.inputs) dot = cached.dot;
        else {
          dot = linear(unit, input, field);
          shared.set(unit.weights, { inputs: unit.inputs, dot });
        }
        return field.relu(field.add(dot, unit.bias));
      });
    }
    return field.add(linear(output, prev, field), output.bias);
  };
  return { layers, output, widths, denseParameterCount: dense, sparseParameterCount: sparse, evaluate };
}

/** Σ_t weights[t] · prev[inputs[t]] (without the bias). */
function linear<T>(unit: DeepUnit<T>, prev: readonly T[], field: Field<T>): T {
  let acc = field.zero;
  for (let t = 0; t < unit.inputs.length; t++) {
    acc = field.add(acc, field.mul(unit.weights[t] as T, prev[unit.inputs[t] as number] as T));
  }
  return acc;
}
