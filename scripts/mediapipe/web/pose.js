// pose.js - browser side of scripts/mediapipe/make_pose_golden.mjs.
// window.runPose(cfg) runs MediaPipe's legacy Pose solution on one image (fresh graph:
// reset() before every send) and returns poseLandmarks / poseWorldLandmarks as plain objects.
'use strict';

async function sha256Hex(u8) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', u8));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

function canvas2d(w, h) {
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  return [c, c.getContext('2d', { willReadFrequently: true })];
}

// Same input path as selfie.js: the file decoded by Chromium without colour management
// (createImageBitmap colorSpaceConversion 'none'), drawn to a canvas; or an <img> element.
async function loadInput(url, mode) {
  if (mode === 'img') {
    const img = new Image();
    img.src = url;
    await img.decode();
    const [, ctx] = canvas2d(img.naturalWidth, img.naturalHeight);
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

function rendererString() {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  return gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
}

// Plain copies (the result objects may be reused by the solution after the callback).
function copyLandmarks(list) {
  if (!list) return null;
  return Array.from(list, (p) => {
    const o = { x: p.x, y: p.y, z: p.z };
    if (p.visibility !== undefined) o.visibility = p.visibility;
    if (p.presence !== undefined) o.presence = p.presence;
    return o;
  });
}

// BlazePose topology (MediaPipe's POSE_CONNECTIONS), for the overlay only.
const EDGES = [[0, 1], [1, 2], [2, 3], [3, 7], [0, 4], [4, 5], [5, 6], [6, 8], [9, 10], [11, 12], [11, 13],
  [13, 15], [15, 17], [15, 19], [15, 21], [17, 19], [12, 14], [14, 16], [16, 18], [16, 20], [16, 22],
  [18, 20], [11, 23], [12, 24], [23, 24], [23, 25], [24, 26], [25, 27], [26, 28], [27, 29], [28, 30],
  [29, 31], [30, 32], [27, 31], [28, 32]];

function overlayPng(src, lms) {
  const [c, ctx] = canvas2d(src.width, src.height);
  ctx.putImageData(src.ctx.getImageData(0, 0, src.width, src.height), 0, 0);
  if (lms) {
    const r = Math.max(2, Math.round(Math.max(src.width, src.height) / 200));
    ctx.lineWidth = Math.max(1, r / 2);
    ctx.strokeStyle = 'rgb(0,255,0)';
    for (const [a, b] of EDGES) {
      ctx.beginPath();
      ctx.moveTo(lms[a].x * src.width, lms[a].y * src.height);
      ctx.lineTo(lms[b].x * src.width, lms[b].y * src.height);
      ctx.stroke();
    }
    lms.forEach((p, i) => {
      // the person's left side red, right side blue, nose white
      const left = i >= 11 ? i % 2 === 1 : [1, 2, 3, 7, 9].includes(i);
      ctx.fillStyle = i === 0 ? 'white' : left ? 'red' : 'blue';
      ctx.beginPath();
      ctx.arc(p.x * src.width, p.y * src.height, r, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  return c.toDataURL('image/png');
}

window.runPose = async function (cfg) {
  const src = await loadInput(cfg.image, cfg.input || 'canvas');
  const rgba = src.ctx.getImageData(0, 0, src.width, src.height).data;
  const rgb = new Uint8Array(src.width * src.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) { rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2]; }

  const pose = new Pose({ locateFile: (f) => `/mp/${f}` });
  pose.setOptions(cfg.options);
  let got = null, calls = 0;
  pose.onResults((r) => {
    calls++;
    got = { poseLandmarks: copyLandmarks(r.poseLandmarks), poseWorldLandmarks: copyLandmarks(r.poseWorldLandmarks) };
  });
  const t0 = performance.now();
  await pose.initialize();
  const initMs = performance.now() - t0;
  const sends = [];
  for (let i = 0; i < (cfg.sends || 1); i++) {
    pose.reset(); // fresh graph: no landmarks from a previous frame (static-image behaviour)
    got = null;
    const t = performance.now();
    await pose.send({ image: src.input });
    const ms = performance.now() - t;
    if (!got) throw new Error(`send ${i}: onResults was not called`);
    sends.push({ ms, result: got });
  }
  await pose.close();
  const first = sends[0].result;
  const key = JSON.stringify(first);
  return {
    width: src.width, height: src.height, rgbSha256: await sha256Hex(rgb),
    result: first, sends: sends.length, sendsIdentical: sends.every((s) => JSON.stringify(s.result) === key),
    sendMs: sends.map((s) => s.ms), initMs, calls,
    renderer: rendererString(), userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated,
    overlay: cfg.overlay ? overlayPng(src, first.poseLandmarks) : null,
  };
};
window.pageReady = true;
