/**
 * A minimal SVG line chart (no dependencies), for the figures the experiments write next to their
 * CSV files: one polyline per series, linear axes with five ticks each, a legend.
 */

/** One line of a chart. */
export interface Series {
  label: string;
  points: [number, number][];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

/**
 * Renders series as an SVG document.
 *
 * @example
 * lineChart('Training loss', 'steps', 'loss', [{ label: 'random labels', points: [[0, 2.3], [100, 0.1]] }]);
 */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], width = 640, height = 400): string {
  const m = { left: 64, right: 170, top: 36, bottom: 48 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  let [x0, x1] = [Math.min(0, ...xs), Math.max(1e-9, ...xs)];
  let [y0, y1] = [Math.min(0, ...ys), Math.max(1e-9, ...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  const W = width - m.left - m.right;
  const H = height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * W;
  const sy = (y: number) => m.top + H - ((y - y0) / (y1 - y0)) * H;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${m.left + W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${m.left}" y1="${m.top + H}" x2="${m.left + W}" y2="${m.top + H}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + H}" stroke="black"/>`,
    `<text x="${m.left + W / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="16" y="${m.top + H / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.top + H / 2})">${esc(yLabel)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const xv = x0 + ((x1 - x0) * t) / 4;
    const yv = y0 + ((y1 - y0) * t) / 4;
    out.push(`<text x="${sx(xv)}" y="${m.top + H + 16}" text-anchor="middle">${fmt(xv)}</text>`);
    out.push(`<text x="${m.left - 6}" y="${sy(yv) + 4}" text-anchor="end">${fmt(yv)}</text>`);
    out.push(`<line x1="${m.left}" y1="${sy(yv)}" x2="${m.left + W}" y2="${sy(yv)}" stroke="#eee"/>`);
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    if (pts.length > 0) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`);
    if (pts.length === 1) out.push(`<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="3" fill="${colour}"/>`);
    const ly = m.top + 10 + i * 18;
    out.push(`<line x1="${m.left + W + 12}" y1="${ly}" x2="${m.left + W + 32}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${m.left + W + 38}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
