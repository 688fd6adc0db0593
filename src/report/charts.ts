/**
 * Charts from vega-lite specs: compiled with vega-lite, rendered to SVG by vega without a browser
 * (`renderer: 'none'`, `view.toSVG()`), and rasterised to PNG with resvg (a prebuilt binary from
 * npm). The spec is saved next to its SVG and PNG, so a user can restyle a chart and render it again
 * (with the vega-lite online editor or `vl2svg`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../training/run-store.js';

/** A rendered chart. */
export interface RenderedChart {
  readonly svg: string;
  readonly png: Uint8Array;
}

/** The look every chart shares (a plain white background, readable fonts). */
const CONFIG = { background: 'white', font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: '#ccc' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 }, title: { fontSize: 14 } };

/**
 * Renders a vega-lite spec (data inline) to SVG and a PNG at twice the size.
 *
 * @example
 * const { svg, png } = await renderChart({ data: { values: [{ x: 0, y: 1 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
 */
export async function renderChart(spec: Record<string, unknown>): Promise<RenderedChart> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const { Resvg } = await import('@resvg/resvg-js');
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...spec };
  const view = new vega.View(vega.parse(compile(full as Parameters<typeof compile>[0]).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return { svg, png: new Uint8Array(png) };
}

/**
 * Renders a chart and writes `<name>.vl.json` (the spec), `<name>.svg` and `<name>.png` into `dir`.
 *
 * @returns the paths written and the PNG (for inlining in a report)
 * @throws InputError when a file cannot be written (named)
 */
export async function writeChart(dir: string, name: string, spec: Record<string, unknown>): Promise<{ files: string[]; png: Uint8Array; svg: string }> {
  const { svg, png } = await renderChart(spec);
  const files: string[] = [];
  for (const [file, content] of [[`${name}.vl.json`, JSON.stringify({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec }, null, 2) + '\n'], [`${name}.svg`, svg], [`${name}.png`, png]] as const) {
    const path = join(dir, file);
    try {
      writeFileSync(path, content);
    } catch (err) {
      throw fileError(err, 'write', path);
    }
    files.push(path);
  }
  return { files, png, svg };
}
