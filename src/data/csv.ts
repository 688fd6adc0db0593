import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import { parseDecimal } from './decimal.js';
import type { Matrix } from './matrix.js';

/** Labelled points read from a CSV file. */
export interface LabelledData {
  readonly X: Matrix; // (n, d)
  readonly y: Float64Array; // (n)
}

/**
 * Parses CSV text: one point per row, features first, the label in the last column. Line endings
 * LF, CRLF or CR, a byte-order mark, quoted fields, blank lines and `#` comment lines are handled
 * (by csv-parse); a first row with no numeric field is a header. Cells must be decimal numbers
 * (not `0x10`, `Infinity` or empty). Every error names the line (1-based, as an editor shows it)
 * and, for a cell, the column.
 *
 * @param text - the file contents
 * @param name - the file name, quoted in errors
 * @example
 * parseCsv('x1,x2,label\n0,1,3\n1,0,5\n', 'toy.csv').y; // Float64Array [3, 5]
 */
export function parseCsv(text: string, name: string): LabelledData {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, comment: '#', skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InputError(`${name}${e.lines !== undefined ? `:${e.lines}` : ''}: not valid CSV (${e.message.replace(/^Invalid /, 'invalid ').split(':')[0]})`);
  }
  if (records.length === 0) throw new InputError(`${name}: the file is empty (no rows)`);
  let start = 0;
  const first = records[0]!.record;
  if (first.every((f) => parseDecimal(f) === null)) start = 1; // a header: no numeric field
  if (start >= records.length) throw new InputError(`${name}: only a header line (${first.join(',')}), no data rows`);
  const width = records[start]!.record.length;
  const widthLine = records[start]!.info.lines;
  if (width < 2) throw new InputError(`${name}:${widthLine}: a row needs at least one feature and a label (got ${width} column)`);
  const n = records.length - start;
  const X = new Float64Array(n * (width - 1)); // (n, d)
  const y = new Float64Array(n);
  for (let r = start; r < records.length; r++) {
    const { record: fields, info } = records[r]!;
    if (fields.length !== width) {
      throw new InputError(`${name}:${info.lines}: ragged row — ${fields.length} columns, but line ${widthLine} has ${width}`);
    }
    for (let c = 0; c < width; c++) {
      const f = fields[c] as string;
      const v = parseDecimal(f);
      if (v === null) throw new InputError(`${name}:${info.lines}:${c + 1}: '${f}' is not a finite decimal number`);
      if (c === width - 1) y[r - start] = v;
      else X[(r - start) * (width - 1) + c] = v;
    }
  }
  return { X: { rows: n, cols: width - 1, data: X }, y };
}

/** Reads a CSV file with {@link parseCsv}; a missing file is an error naming the path. */
export function readCsv(path: string): LabelledData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (ENOENT)' : code === 'EISDIR' ? 'it is a directory (EISDIR)' : code === 'EACCES' ? 'permission denied (EACCES)' : (code ?? String(err));
    throw new InputError(`cannot read CSV file ${path}: ${why}`);
  }
  return parseCsv(text, path);
}
