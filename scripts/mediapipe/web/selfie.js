// selfie.js - browser side of scripts/mediapipe/make_golden.mjs.
// window.runSelfie(cfg) runs MediaPipe's legacy SelfieSegmentation on one image and returns
// the mask value (alpha channel of results.segmentationMask) as base64 bytes, one per pixel.
'use strict';

function toBase64(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}

async function sha256Hex(u8) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', u8));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

function canvas2d(w, h) {
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  // willReadFrequently: a CPU-backed canvas, so getImageData reads exactly what was drawn
  return [c, c.getContext('2d', { willReadFrequently: true })];
}

// The input as MediaPipe gets it. 'canvas' (default): the file decoded by Chromium without
// colour management (createImageBitmap colorSpaceConversion 'none'), drawn to a canvas.
// 'img': an <img> element, as a web page would pass it (colour-managed decode).
async function loadInput(url, mode) {
  if (mode === 'img') {
    const img = new Image();
    img.src = url;
    await img.decode();
    const [c, ctx] = canvas2d(img.naturalWidth, img.naturalHeight);
    ctx.drawImage(img, 0, 0);
    return { input: img, width: img.naturalWidth, height: img.naturalHeight, ctx };
  }
  const blob = await (await fetch(url)).blob();
  const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const [c, ctx] = canvas2d(bmp.width, bmp.height);
  ctx.drawImage(bmp, 0, 0);
  bmp.close();
  return { input: c, width: c.width, height: c.height, ctx };
}

// Copy the mask out inside the results callback (GPU-backed images are only valid there).
function readMask(mask) {
  const w = mask.width, h = mask.height;
  const [, ctx] = canvas2d(w, h);
  ctx.drawImage(mask, 0, 0);
  const px = ctx.getImageData(0, 0, w, h).data;
  const alpha = new Uint8Array(w * h);
  const mn = [255, 255, 255, 255], mx = [0, 0, 0, 0];
  for (let i = 0; i < px.length; i++) {
    const ch = i & 3, v = px[i];
    if (v < mn[ch]) mn[ch] = v;
    if (v > mx[ch]) mx[ch] = v;
  }
  for (let i = 0; i < w * h; i++) alpha[i] = px[4 * i + 3];
  return { width: w, height: h, alpha, channelMin: mn, channelMax: mx };
}

function overlayPng(src, mask) {
  const [c, ctx] = canvas2d(src.width, src.height);
  ctx.putImageData(src.ctx.getImageData(0, 0, src.width, src.height), 0, 0);
  const d = ctx.getImageData(0, 0, src.width, src.height);
  for (let i = 0; i < mask.alpha.length; i++) {
    const a = 0.5 * mask.alpha[i] / 255;
    d.data[4 * i] = Math.round(d.data[4 * i] * (1 - a));
    d.data[4 * i + 1] = Math.round(d.data[4 * i + 1] * (1 - a) + 255 * a);
    d.data[4 * i + 2] = Math.round(d.data[4 * i + 2] * (1 - a));
  }
  ctx.putImageData(d, 0, 0);
  return c.toDataURL('image/png');
}

function rendererString() {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  return gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
}

window.runSelfie = async function (cfg) {
  const src = await loadInput(cfg.image, cfg.input || 'canvas');
  const rgba = src.ctx.getImageData(0, 0, src.width, src.height).data;
  const rgb = new Uint8Array(src.width * src.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) { rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2]; }

  const ss = new SelfieSegmentation({ locateFile: (f) => `/mp/${f}` });
  ss.setOptions({ modelSelection: cfg.modelSelection, selfieMode: false });
  let got = null, calls = 0;
  ss.onResults((r) => { calls++; got = r.segmentationMask ? readMask(r.segmentationMask) : null; });
  const t0 = performance.now();
  await ss.initialize();
  const initMs = performance.now() - t0;
  const sends = [];
  for (let i = 0; i < (cfg.sends || 1); i++) {
    ss.reset(); // no state from a previous frame: single-image behaviour
    got = null;
    const t = performance.now();
    await ss.send({ image: src.input });
    const ms = performance.now() - t;
    if (!got) throw new Error(`send ${i}: no segmentationMask in the results`);
    sends.push({ ms, mask: got });
  }
  await ss.close();
  const first = sends[0].mask;
  const identical = sends.every((s) => s.mask.width === first.width && s.mask.height === first.height &&
    s.mask.alpha.every((v, i) => v === first.alpha[i]));
  return {
    width: src.width, height: src.height, rgbSha256: await sha256Hex(rgb),
    mask: { width: first.width, height: first.height, channelMin: first.channelMin, channelMax: first.channelMax,
      alpha: toBase64(first.alpha) },
    sends: sends.length, sendsIdentical: identical, sendMs: sends.map((s) => s.ms), initMs, calls,
    renderer: rendererString(), userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    overlay: cfg.overlay ? overlayPng(src, first) : null,
  };
};
window.pageReady = true;
