import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** An IDX array (LeCun's MNIST format): unsigned bytes with their dimensions. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes (type 0x08), checking the magic number, the dimensions and
 * the file size against the header.
 *
 * @param bytes - the file contents
 * @param name - the file name, quoted in errors
 * @example
 * parseIdx(readFileSync('train-labels-idx1-ubyte'), 'train-labels').dims; // [60000]
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) {
    throw new InputError(`${name}: ${bytes.length} bytes is too short for an IDX header (4 bytes magic); the file is truncated or not IDX`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputError(`${name}: bad IDX magic (first two bytes ${bytes[0]}, ${bytes[1]}; expected 0, 0) — not an IDX file`);
  }
  if (bytes[2] !== 0x08) {
    throw new InputError(`${name}: IDX element type 0x${(bytes[2] as number).toString(16)} is not supported (expected 0x08, unsigned byte)`);
  }
  const ndims = bytes[3] as number;
  if (ndims < 1) throw new InputError(`${name}: IDX header declares ${ndims} dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new InputError(`${name}: ${bytes.length} bytes is too short for an IDX header of ${ndims} dimensions (${headerBytes} bytes); the file is truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const expected = headerBytes + count;
  if (bytes.length !== expected) {
    throw new InputError(
      `${name}: file has ${bytes.length} bytes but its header (dims ${dims.join('×')}) needs ${expected}; the file is ${bytes.length < expected ? 'truncated' : 'too long'} — re-install or re-copy it`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads and parses an IDX file; a missing file is an error naming the path. */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(`cannot read IDX file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseIdx(bytes, path);
}
