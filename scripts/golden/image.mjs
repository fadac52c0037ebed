// image.mjs - photo -> model input tensor, the way the task pipelines prepare a frame.
//
// 1. Decode (JPEG with jpeg-js, PNG with pngjs) to 8-bit RGB. Alpha is dropped, grey is
//    replicated to R=G=B, EXIF orientation is ignored (pixels as stored).
// 2. Letterbox to the model's W x H: scale s = min(W / w, H / h) (aspect ratio kept); the
//    scaled image, w*s x h*s, is centred: ox = (W - w*s) / 2, oy = (H - h*s) / 2 (not
//    rounded). Output pixel (X, Y) has its centre at (X + 0.5, Y + 0.5); with
//    dx = X + 0.5 - ox, dy = Y + 0.5 - oy:
//      * if dx < 0 or dx >= w*s or dy < 0 or dy >= h*s the pixel is padding: value 0
//        (black), like MediaPipe's BORDER_ZERO;
//      * otherwise it samples the source at u = dx / s - 0.5, v = dy / s - 0.5 (pixel
//        centres), bilinearly from the 4 neighbours floor(u), floor(u)+1 (same for v),
//        indices clamped to the image, weights fx = u - floor(u), fy = v - floor(v):
//        p = (1-fy) * ((1-fx) * p00 + fx * p01) + fy * ((1-fx) * p10 + fx * p11),
//        all in double precision.
//    ('stretch' uses sx = W / w and sy = H / h instead of one s and has no padding.)
// 3. Round to 8 bits, q = floor(p + 0.5): MediaPipe's CPU ImageToTensor also resamples
//    the 8-bit image into an 8-bit image (cv::warpPerspective) before converting.
// 4. Normalize to [lo, hi] as MediaPipe's ImageToTensorCalculator does:
//    value = (float)(lo + (hi - lo) * q / 255.0)  (double, rounded once to float32), so
//    padding becomes lo.
// Result: Float32Array NHWC [1, H, W, 3], RGB order.
import fs from 'node:fs';
import path from 'node:path';

export function decodeImage(req, file) {
  const buf = fs.readFileSync(file);
  let w, h, rgba;
  if (buf.length > 8 && buf.readUInt32BE(0) === 0x89504e47) {
    const { PNG } = req('pngjs');
    const png = PNG.sync.read(buf); // 8-bit RGBA (16-bit samples are scaled to 8 bits)
    ({ width: w, height: h } = png);
    rgba = png.data;
  } else if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8) {
    const jpeg = req('jpeg-js');
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true });
    ({ width: w, height: h } = img);
    rgba = img.data;
  } else {
    throw new Error(`${file}: neither PNG nor JPEG`);
  }
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    rgb[3 * i] = rgba[4 * i]; rgb[3 * i + 1] = rgba[4 * i + 1]; rgb[3 * i + 2] = rgba[4 * i + 2];
  }
  return { width: w, height: h, rgb, file: path.basename(file) };
}

// Resample to W x H 8-bit RGB. Returns { q: Uint8Array, rect: [ox, oy, cw, ch] }.
export function resize(img, W, H, fit = 'letterbox') {
  const { width: w, height: h, rgb } = img;
  let sx, sy;
  if (fit === 'letterbox') sx = sy = Math.min(W / w, H / h);
  else if (fit === 'stretch') { sx = W / w; sy = H / h; }
  else throw new Error(`unknown fit "${fit}"`);
  const cw = w * sx, ch = h * sy;
  const ox = (W - cw) / 2, oy = (H - ch) / 2;
  const q = new Uint8Array(W * H * 3); // zero = padding
  const clampX = (x) => (x < 0 ? 0 : x > w - 1 ? w - 1 : x);
  const clampY = (y) => (y < 0 ? 0 : y > h - 1 ? h - 1 : y);
  for (let Y = 0; Y < H; Y++) {
    const dy = Y + 0.5 - oy;
    if (dy < 0 || dy >= ch) continue;
    const v = dy / sy - 0.5;
    const y0 = Math.floor(v), fy = v - y0;
    const r0 = clampY(y0) * w, r1 = clampY(y0 + 1) * w;
    for (let X = 0; X < W; X++) {
      const dx = X + 0.5 - ox;
      if (dx < 0 || dx >= cw) continue;
      const u = dx / sx - 0.5;
      const x0 = Math.floor(u), fx = u - x0;
      const c0 = clampX(x0), c1 = clampX(x0 + 1);
      for (let c = 0; c < 3; c++) {
        const p00 = rgb[3 * (r0 + c0) + c], p01 = rgb[3 * (r0 + c1) + c];
        const p10 = rgb[3 * (r1 + c0) + c], p11 = rgb[3 * (r1 + c1) + c];
        const p = (1 - fy) * ((1 - fx) * p00 + fx * p01) + fy * ((1 - fx) * p10 + fx * p11);
        q[3 * (Y * W + X) + c] = Math.floor(p + 0.5);
      }
    }
  }
  return { q, rect: [ox, oy, cw, ch] };
}

export function normalize(q, lo, hi) {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = lo + (hi - lo) * q[i] / 255;
  return out;
}
