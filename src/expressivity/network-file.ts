/**
 * Theorem 1's networks on disk: a versioned JSON format that `rethink expressivity --save` writes and
 * {@link loadNetwork} reads back, so that a saved network can be re-evaluated and re-certified from
 * the library (see {@link certify}) without the run that built it.
 *
 * Formats:
 * - `rethink/relu-2layer@1`: float64 parameters as JSON numbers (every float64 round-trips exactly
 *   through JSON's shortest decimal), `a` (d), `b` (n, increasing), `w` (n·k, row-major), `k`;
 * - `rethink/relu-2layer-exact@1`: the same with every number an exact fraction string `p/q`.
 * Both carry `n`, `d`, `order` (the caller's row index of each hidden unit's point) and free `meta`.
 */
import { InputError } from '../errors.js';
import type { ExactNetwork } from './exact.js';
import type { ReluNetworkParameters } from './network.js';

export const FLOAT_NETWORK_FORMAT = 'rethink/relu-2layer@1';
export const EXACT_NETWORK_FORMAT = 'rethink/relu-2layer-exact@1';

/** A float network as saved. */
export interface SavedNetwork {
  format: typeof FLOAT_NETWORK_FORMAT;
  function: string;
  n: number;
  d: number;
  k: number;
  a: number[];
  b: number[];
  w: number[];
  order: number[];
  [meta: string]: unknown;
}

/** An exact network as saved: numbers are `p/q` strings. */
export interface SavedExactNetwork {
  format: typeof EXACT_NETWORK_FORMAT;
  function: string;
  n: number;
  d: number;
  k: 1;
  a: string[];
  b: string[];
  w: string[];
  order: number[];
  [meta: string]: unknown;
}

/**
 * The JSON object of a float network (parameters and the order of its points), with `meta`
 * (seed, data, λ, …) alongside.
 *
 * @example
 * writeFileSync('net.json', JSON.stringify(saveNetwork(interpolate(X, y), { seed: 1 })));
 */
export function saveNetwork(net: ReluNetworkParameters & { readonly order?: ArrayLike<number> }, meta: Record<string, unknown> = {}): SavedNetwork {
  const n = net.b.length;
  return {
    ...meta,
    format: FLOAT_NETWORK_FORMAT,
    function: 'c(x)[c] = sum_j w[j*k + c] * max(sum_i a[i]*x[i] - b[j], 0)',
    n,
    d: net.a.length,
    k: net.k,
    a: Array.from(net.a),
    b: Array.from(net.b),
    w: Array.from(net.w),
    order: Array.from(net.order ?? Array.from({ length: n }, (_, j) => j)),
  };
}

/** The JSON object of an exact network (every number a `p/q` string). */
export function saveExactNetwork(net: ExactNetwork, meta: Record<string, unknown> = {}): SavedExactNetwork {
  return {
    ...meta,
    format: EXACT_NETWORK_FORMAT,
    function: 'c(x) = sum_j w[j] * max(sum_i a[i]*x[i] - b[j], 0), all numbers exact fractions',
    n: net.n,
    d: net.d,
    k: 1,
    a: net.a.map((v) => v.toFraction()),
    b: net.b.map((v) => v.toFraction()),
    w: net.w.map((v) => v.toFraction()),
    order: [...net.order],
  };
}

/** A loaded network: float parameters ready for {@link certify} / `new ReluNetwork(…)`, or exact fraction strings. */
export type LoadedNetwork =
  | { kind: 'float'; params: ReluNetworkParameters; n: number; d: number; order: Int32Array; meta: Record<string, unknown> }
  | { kind: 'exact'; a: string[]; b: string[]; w: string[]; n: number; d: number; order: Int32Array; meta: Record<string, unknown> };

/**
 * Reads a saved network (the parsed JSON), checking its format, shapes and numbers.
 *
 * @throws InputError naming the field that is missing, of the wrong length or not a number
 * @example
 * const net = loadNetwork(JSON.parse(readFileSync('net.json', 'utf8')));
 * if (net.kind === 'float') certify(net.params, X, y).labelsRecovered; // 1
 */
export function loadNetwork(json: unknown): LoadedNetwork {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError('network file: not a JSON object');
  const o = json as Record<string, unknown>;
  const format = o.format;
  if (format !== FLOAT_NETWORK_FORMAT && format !== EXACT_NETWORK_FORMAT) {
    throw new InputError(`network file: format ${JSON.stringify(format)} is not ${FLOAT_NETWORK_FORMAT} or ${EXACT_NETWORK_FORMAT} (written by another version of rethink?)`);
  }
  const count = (key: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InputError(`network file: '${key}' must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const n = count('n');
  const d = count('d');
  const k = count('k');
  const list = (key: string, length: number): unknown[] => {
    const v = o[key];
    if (!Array.isArray(v) || v.length !== length) throw new InputError(`network file: '${key}' must be an array of ${length} entries${Array.isArray(v) ? `, it has ${v.length}` : ''}`);
    return v;
  };
  const order = list('order', n);
  if (!order.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0)) throw new InputError('network file: \'order\' must hold row indices (integers ≥ 0)');
  const { format: _f, function: _fn, n: _n, d: _d, k: _k, a: _a, b: _b, w: _w, order: _o, ...meta } = o;
  if (format === FLOAT_NETWORK_FORMAT) {
    const numbers = (key: string, length: number): Float64Array => {
      const v = list(key, length);
      const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
      if (bad >= 0) throw new InputError(`network file: ${key}[${bad}] = ${JSON.stringify(v[bad])} is not a finite number`);
      return Float64Array.from(v as number[]);
    };
    const params = { a: numbers('a', d), b: numbers('b', n), w: numbers('w', n * k), k };
    return { kind: 'float', params, n, d, order: Int32Array.from(order as number[]), meta };
  }
  if (k !== 1) throw new InputError(`network file: an exact network has one output (k = 1), got k = ${k}`);
  const fractions = (key: string, length: number): string[] => {
    const v = list(key, length);
    const bad = v.findIndex((x) => typeof x !== 'string' || !/^-?\d+(\/\d+)?$/.test(x));
    if (bad >= 0) throw new InputError(`network file: ${key}[${bad}] = ${JSON.stringify(v[bad])} is not a fraction p/q`);
    return v as string[];
  };
  return { kind: 'exact', a: fractions('a', d), b: fractions('b', n), w: fractions('w', n), n, d, order: Int32Array.from(order as number[]), meta };
}
