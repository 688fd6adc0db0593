import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseIdx, readIdx } from '../../src/data/idx.js';

/** An IDX file of unsigned bytes with the given dimensions. */
function idx(dims: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...header, ...data]);
}

describe('IDX reader', () => {
  test('reads dimensions and data', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'x');
    expect(parsed.dims).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  test('refuses a bad magic number, another element type, a truncated or overlong file', () => {
    const good = idx([2, 2], [1, 2, 3, 4]);
    const badMagic = good.slice();
    badMagic[0] = 1;
    expect(() => parseIdx(badMagic, 'f')).toThrow(/f: bad IDX magic/);
    const float = good.slice();
    float[2] = 0x0d;
    expect(() => parseIdx(float, 'f')).toThrow(/element type 0xd is not supported/);
    expect(() => parseIdx(good.slice(0, good.length - 1), 'f')).toThrow(/has 15 bytes but its header \(dims 2×2\) needs 16; the file is truncated/);
    expect(() => parseIdx(Uint8Array.from([...good, 0]), 'f')).toThrow(/too long/);
    expect(() => parseIdx(good.slice(0, 6), 'f')).toThrow(/too short for an IDX header of 2 dimensions/);
  });
  test('a missing file names the path', () => {
    expect(() => readIdx('/no/such/file-idx1-ubyte')).toThrow(/cannot read IDX file \/no\/such\/file-idx1-ubyte: ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), 'rethink-idx-'));
    writeFileSync(join(dir, 'ok'), idx([3], [7, 8, 9]));
    expect(Array.from(readIdx(join(dir, 'ok')).data)).toEqual([7, 8, 9]);
  });
});
