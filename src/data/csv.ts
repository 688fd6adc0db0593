import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Matrix } from './matrix.js';

/** Labelled points read from a CSV file. */
export interface LabelledData {
  readonly X: Matrix; // (n, d)
  readonly y: Float64Array; // (n)
}

/**
 * Parses CSV text: one point per row, features first, the label in the last column. Blank lines and
 * lines starting with `#` are skipped; a first line with no numeric field is taken as a header.
 * Every error names the line and column.
 *
 * @param text - the file contents
 * @param name - the file name, quoted in errors
 * @example
 * parseCsv('x1,x2,label\n0,1,3\n1,0,5\n', 'toy.csv').y; // Float64Array [3, 5]
 */
export function parseCsv(text: string, name: string): LabelledData {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  const y: number[] = [];
  let width = -1;
  let widthLine = 0;
  let headerSeen = false;
  for (let li = 0; li < lines.length; li++) {
    const line = (lines[li] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    const lineNo = li + 1;
    if (width < 0 && !headerSeen && fields.every((f) => f === '' || Number.isNaN(Number(f)))) {
      headerSeen = true;
      continue;
    }
    if (width < 0) {
      if (fields.length < 2) {
        throw new InputError(`${name}:${lineNo}: a row needs at least one feature and a label (got ${fields.length} column)`);
      }
      width = fields.length;
      widthLine = lineNo;
    } else if (fields.length !== width) {
      throw new InputError(`${name}:${lineNo}: ragged row — ${fields.length} columns, but line ${widthLine} has ${width}`);
    }
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c] as string;
      const v = f === '' ? NaN : Number(f);
      if (!Number.isFinite(v)) {
        throw new InputError(`${name}:${lineNo}:${c + 1}: '${f}' is not a finite number`);
      }
      if (c === fields.length - 1) y.push(v);
      else values.push(v);
    }
  }
  if (y.length === 0) throw new InputError(`${name}: no data rows; the file is empty`);
  return { X: { rows: y.length, cols: width - 1, data: Float64Array.from(values) }, y: Float64Array.from(y) };
}

/** Reads a CSV file with {@link parseCsv}; a missing file is an error naming the path. */
export function readCsv(path: string): LabelledData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read CSV file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseCsv(text, path);
}
