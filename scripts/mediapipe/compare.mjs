// compare.mjs - the few numerics used to compare MediaPipe's masks with TFLite's raw output.
import fs from 'node:fs';

// .npy reader for little-endian float32, C order (what scripts/make-golden writes).
export function readNpyF32(file) {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = b.toString('latin1', hstart, hstart + hlen);
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${file}: not <f4: ${header.trim()}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const off = hstart + hlen, n = shape.reduce((a, c) => a * c, 1);
  const data = new Float32Array(b.buffer.slice(b.byteOffset + off, b.byteOffset + off + 4 * n));
  return { shape, data };
}

// Bilinear resize of a one-channel float map, half-pixel centres, edges clamped
// (as OpenCV INTER_LINEAR / TF resize with half_pixel_centers).
export function resizeBilinear(src, sw, sh, dw, dh) {
  const out = new Float32Array(dw * dh);
  const sx = sw / dw, sy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, sh - 1), wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, sw - 1), wx = fx - x0;
      const top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
      const bot = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
      out[y * dw + x] = top * (1 - wy) + bot * wy;
    }
  }
  return out;
}

// IoU of two masks thresholded at t. A Uint8Array is a 0..255 mask (foreground: v/255 > t,
// i.e. v >= 128 for t = 0.5); a Float32Array is a 0..1 map (foreground: v > t).
export function iouAt(a, b, t) {
  if (a.length !== b.length) throw new Error('iouAt: sizes differ');
  const fg = (m) => (m instanceof Uint8Array ? (i) => m[i] / 255 > t : (i) => m[i] > t);
  const fa = fg(a), fb = fg(b);
  let inter = 0, uni = 0;
  for (let i = 0; i < a.length; i++) {
    const p = fa(i), q = fb(i);
    if (p && q) inter++;
    if (p || q) uni++;
  }
  return uni ? inter / uni : 1;
}
