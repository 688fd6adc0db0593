// Worker jobs for `npm run bench -- experiments` (plain JavaScript: workers import it as it is, from dist/).
export async function loadTime({ data, spec }) {
  const t0 = performance.now();
  const shared = await import('../dist/data/shared.js');
  const { loadDataset } = await import('../dist/data/dataset.js');
  for (const d of data) shared.attachSharedSource(d);
  const ds = loadDataset(spec);
  ds.images('train');
  ds.images('test');
  return { ms: performance.now() - t0, shared: shared.isShared('mnist') };
}
