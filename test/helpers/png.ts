/** A small PNG reader for the tests: decodes 8-bit RGB/RGBA/grey images (all five filters) to count what is drawn. */
import { inflateSync } from 'node:zlib';

/** Width, height and the pixels as RGBA rows. */
export function decodePng(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  signature.forEach((b, i) => {
    if (bytes[i] !== b) throw new Error('not a PNG');
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      if (data[8] !== 8) throw new Error(`bit depth ${data[8]} not supported`);
      colorType = data[9] as number;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (channels === undefined) throw new Error(`colour type ${colorType} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (out[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] as number) : 0;
      const p = a + b - c;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      out[y * stride + x] = (v + pred) & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const px = out.subarray(i * channels, (i + 1) * channels);
    const [r, g, bl, al] = channels === 1 ? [px[0], px[0], px[0], 255] : channels === 2 ? [px[0], px[0], px[0], px[1]] : channels === 3 ? [px[0], px[1], px[2], 255] : [px[0], px[1], px[2], px[3]];
    rgba.set([r as number, g as number, bl as number, al as number], i * 4);
  }
  return { width, height, rgba };
}

/** The fraction of pixels that are not (near) white, and how many distinct colours the image has. */
export function inkOf(png: Uint8Array): { width: number; height: number; ink: number; colours: number } {
  const { width, height, rgba } = decodePng(png);
  let ink = 0;
  const colours = new Set<number>();
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgba[4 * i] as number, rgba[4 * i + 1] as number, rgba[4 * i + 2] as number];
    if (r < 235 || g < 235 || b < 235) ink++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { width, height, ink: ink / (width * height), colours: colours.size };
}
