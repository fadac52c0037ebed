#!/usr/bin/env node
// make_pose_golden.mjs - run MediaPipe's own legacy Pose solution (@mediapipe/pose, WASM +
// WebGL; BlazePose detector + landmark model) in headless Debian Chromium through
// playwright-core, on still images, and write its landmarks as goldens for `arv pose`:
//   <out>/<stem>.c<complexity>.json   modelComplexity 0/1/2 (pose_landmark_lite/full/heavy)
//   <out>/manifest.json
// Normally started by scripts/make-mediapipe-pose-golden, which installs what this needs:
//   node make_pose_golden.mjs --root REPO --cache DIR [--image F]... [--complexity 0,1,2]
//        [--out DIR] [--check] [--overlay DIR] [--input canvas|img] [--sends N] [--verbose]
//        [--inference cpu|gpu]
// See scripts/mediapipe/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODEL_FILES = ['pose_landmark_lite.tflite', 'pose_landmark_full.tflite', 'pose_landmark_heavy.tflite'];
// Same Chromium flags as make_golden.mjs (WebGL2 on SwiftShader; no --disable-gpu).
const CHROMIUM_FLAGS = ['--no-sandbox', '--enable-unsafe-swiftshader', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const IMAGE_EXT = /\.(jpe?g|png)$/i;
// Everything not listed is the solution's default (minTrackingConfidence is unused after reset()).
// useCpuInference is added from --inference (see scripts/mediapipe/README.md).
const BASE_OPTIONS = { selfieMode: false, smoothLandmarks: false, enableSegmentation: false,
  smoothSegmentation: false, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 };

function parseArgs(argv) {
  const a = { image: [], sends: 1, input: 'canvas', complexity: [0, 1, 2], inference: 'cpu' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new Error(`missing value for ${k}`); return argv[++i]; };
    if (k === '--root') a.root = val();
    else if (k === '--cache') a.cache = val();
    else if (k === '--image') a.image.push(val());
    else if (k === '--out') a.out = val();
    else if (k === '--overlay') a.overlay = val();
    else if (k === '--input') a.input = val();
    else if (k === '--sends') a.sends = Number(val());
    else if (k === '--complexity') a.complexity = val().split(',').map(Number);
    else if (k === '--check') a.check = true;
    else if (k === '--verbose') a.verbose = true;
    else if (k === '--inference') a.inference = val();
    else throw new Error(`unknown argument ${k} (see scripts/make-mediapipe-pose-golden --help)`);
  }
  if (!a.root || !a.cache) throw new Error('--root and --cache are required');
  if (!['canvas', 'img'].includes(a.input)) throw new Error('--input is canvas or img');
  if (!['cpu', 'gpu'].includes(a.inference)) throw new Error('--inference is cpu or gpu');
  if (!(a.sends >= 1)) throw new Error('--sends must be >= 1');
  if (!a.complexity.length || a.complexity.some((c) => ![0, 1, 2].includes(c))) throw new Error('--complexity takes 0, 1 and/or 2, e.g. 1 or 0,1,2');
  a.complexity = [...new Set(a.complexity)].sort();
  return a;
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const rel = (root, p) => path.relative(root, p).split(path.sep).join('/');

function defaultImages(root) {
  const list = [];
  const add = (dir, re) => {
    const d = path.join(root, dir);
    if (!fs.existsSync(d)) return;
    for (const f of fs.readdirSync(d).sort()) if (re.test(f) && fs.statSync(path.join(d, f)).isFile()) list.push(path.join(d, f));
  };
  add('testdata/images', IMAGE_EXT);
  add('testdata/seg', /\.jpe?g$/i);
  add('testdata/mediapipe/images', IMAGE_EXT);
  add('testdata/mediapipe/images/pose', IMAGE_EXT);
  return list;
}

// The golden file: fixed key order, one landmark per line, numbers as JavaScript prints the
// doubles MediaPipe handed over (they are float32 values, so this is exact). No dates or
// timings: equal results give equal bytes.
function goldenJson(g) {
  const lm = (list) => (list ? '[\n' + list.map((p) => '  ' + JSON.stringify(p)).join(',\n') + '\n ]' : 'null');
  const head = { ...g };
  delete head.poseLandmarks; delete head.poseWorldLandmarks;
  const h = JSON.stringify(head, null, 1).replace(/\n}$/, '');
  return `${h},\n "poseLandmarks": ${lm(g.poseLandmarks)},\n "poseWorldLandmarks": ${lm(g.poseWorldLandmarks)}\n}\n`;
}

// Largest absolute difference over all landmark fields of two golden objects.
function landmarkDiff(a, b) {
  const out = { found: a.pose_found === b.pose_found, maxAbs: 0, maxAbsWorld: 0, maxAbsVisibility: 0 };
  if (!a.poseLandmarks || !b.poseLandmarks) return out;
  const walk = (la, lb, keyMax, keys) => {
    for (let i = 0; i < la.length; i++) for (const k of keys) {
      const d = Math.abs(la[i][k] - lb[i][k]);
      if (d > out[keyMax]) out[keyMax] = d;
    }
  };
  walk(a.poseLandmarks, b.poseLandmarks, 'maxAbs', ['x', 'y', 'z']);
  walk(a.poseLandmarks, b.poseLandmarks, 'maxAbsVisibility', ['visibility']);
  if (a.poseWorldLandmarks && b.poseWorldLandmarks) walk(a.poseWorldLandmarks, b.poseWorldLandmarks, 'maxAbsWorld', ['x', 'y', 'z']);
  return out;
}
const fmtDiff = (d) => (d.found ? `max |d| x/y/z ${d.maxAbs.toExponential(2)}, world ${d.maxAbsWorld.toExponential(2)}, visibility ${d.maxAbsVisibility.toExponential(2)}`
  : 'pose found in one, not the other');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const baseOptions = { ...BASE_OPTIONS, useCpuInference: args.inference === 'cpu' };
  const root = path.resolve(args.root);
  const cache = path.resolve(args.cache);
  const req = createRequire(path.join(cache, 'package.json'));
  const { chromium } = req('playwright-core');
  const pwVersion = JSON.parse(fs.readFileSync(path.join(cache, 'node_modules/playwright-core/package.json'), 'utf8')).version;
  const mpDir = path.join(cache, 'node_modules/@mediapipe/pose');
  const mpVersion = JSON.parse(fs.readFileSync(path.join(mpDir, 'package.json'), 'utf8')).version;
  const modelSha = MODEL_FILES.map((f) => sha256(fs.readFileSync(path.join(mpDir, f))));

  const goldenDir = path.resolve(root, args.out || 'testdata/mediapipe/pose');
  const fullRun = args.image.length === 0;
  const images = (fullRun ? defaultImages(root) : args.image.map((p) => path.resolve(p))).map((file) => ({
    file, stem: path.basename(file).replace(/\.[^.]+$/, ''), bytes: fs.readFileSync(file),
  }));
  if (!images.length) throw new Error('no images');
  const stems = new Set();
  for (const im of images) {
    if (stems.has(im.stem)) throw new Error(`two images with the stem ${im.stem}; rename one`);
    stems.add(im.stem);
  }
  const outDir = args.check ? fs.mkdtempSync(path.join(os.tmpdir(), 'arv-mp-pose-check-')) : goldenDir;
  fs.mkdirSync(outDir, { recursive: true });
  if (args.overlay) fs.mkdirSync(args.overlay, { recursive: true });

  const mounts = { '/page/': path.join(HERE, 'web'), '/mp/': mpDir };
  images.forEach((im, i) => { mounts[`/img/${i}/`] = path.dirname(im.file); });
  const srv = await serve(mounts, { log: !!args.verbose });
  const browser = await chromium.launch({
    executablePath: process.env.ARV_CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS,
  });
  const chromiumVersion = browser.version();
  const date = new Date().toISOString().slice(0, 10);
  const entries = [];
  const written = []; // golden file names written by this run
  let renderer = null, failures = 0;
  try {
    for (const [i, im] of images.entries()) {
      const entry = { stem: im.stem, source: rel(root, im.file), source_sha256: sha256(im.bytes), width: 0, height: 0,
        decoded_rgb_sha256: null, results: {} };
      for (const c of args.complexity) {
        const options = { ...baseOptions, modelComplexity: c };
        // A fresh browser context and page per image and complexity: nothing carries over.
        const ctx = await browser.newContext();
        const page = await ctx.newPage();
        const logs = [];
        page.on('console', (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
        page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
        let r;
        try {
          await page.goto(`${srv.origin}/page/pose.html`);
          await page.waitForFunction(() => window.pageReady === true && typeof window.Pose === 'function');
          r = await page.evaluate((cfg) => window.runPose(cfg), {
            image: `/img/${i}/${encodeURIComponent(path.basename(im.file))}`, options,
            sends: args.sends, input: args.input, overlay: !!args.overlay,
          });
        } catch (e) {
          failures++;
          console.error(`FAILED ${entry.source} c${c}: ${String(e.message).split('\n')[0]}`);
          console.error(logs.join('\n'));
          await ctx.close();
          continue;
        }
        if (args.verbose && logs.length) console.error(logs.join('\n'));
        await ctx.close();
        if (!r.crossOriginIsolated) console.error(`warning: page was not cross-origin isolated (${entry.source})`);
        if (!r.renderer) throw new Error('no WebGL2 in the page: MediaPipe cannot run its GPU graph');
        if (renderer && r.renderer !== renderer) console.error(`warning: renderer changed: ${r.renderer}`);
        renderer = r.renderer;
        if (!r.sendsIdentical) console.error(`warning: ${entry.source} c${c}: the ${r.sends} sends gave different landmarks (first kept)`);
        entry.width = r.width; entry.height = r.height;
        if (entry.decoded_rgb_sha256 && entry.decoded_rgb_sha256 !== r.rgbSha256) console.error(`warning: ${entry.source} decoded differently between pages`);
        entry.decoded_rgb_sha256 = r.rgbSha256;
        const res = r.result;
        const found = !!(res.poseLandmarks && res.poseLandmarks.length);
        if (found && res.poseLandmarks.length !== 33) console.error(`warning: ${entry.source} c${c}: ${res.poseLandmarks.length} landmarks, not 33`);
        const golden = {
          what: 'MediaPipe legacy Pose solution (@mediapipe/pose) landmarks; made by scripts/make-mediapipe-pose-golden',
          source: entry.source, source_sha256: entry.source_sha256, width: r.width, height: r.height,
          model_complexity: c, model_file: MODEL_FILES[c], options, pose_found: found,
          poseLandmarks: found ? res.poseLandmarks : null,
          poseWorldLandmarks: found && res.poseWorldLandmarks ? res.poseWorldLandmarks : null,
        };
        const name = `${im.stem}.c${c}.json`;
        const text = goldenJson(golden);
        const target = path.join(outDir, name);
        let vsPrevious = 'new';
        if (fs.existsSync(target)) {
          const old = fs.readFileSync(target, 'utf8');
          vsPrevious = old === text ? 'unchanged' : `changed (${fmtDiff(landmarkDiff(JSON.parse(old), golden))})`;
        }
        fs.writeFileSync(target, text);
        written.push(name);
        if (args.overlay) fs.writeFileSync(path.join(args.overlay, `${im.stem}.c${c}.overlay.png`), Buffer.from(r.overlay.split(',')[1], 'base64'));
        const lm = golden.poseLandmarks;
        const meanVis = found ? lm.reduce((s, p) => s + (p.visibility || 0), 0) / lm.length : 0;
        entry.results[`c${c}`] = { file: name, sha256: sha256(text), model_complexity: c, model_file: MODEL_FILES[c],
          model_sha256: modelSha[c], pose_found: found, mean_visibility: Math.round(meanVis * 1e4) / 1e4,
          sends: r.sends, sends_identical: r.sendsIdentical }; // (no timings: a re-run changes nothing but dates)
        console.log(`${entry.source} ${r.width}x${r.height} c${c}: ${found ? `pose, mean visibility ${meanVis.toFixed(3)}` : 'NO pose'}; ` +
          `${r.sends} send(s)${r.sends > 1 ? (r.sendsIdentical ? ' identical' : ' DIFFER') : ''}, init ${Math.round(r.initMs)} ms, ` +
          `send ${Math.round(r.sendMs[0])} ms; ${vsPrevious}`);
      }
      if (Object.keys(entry.results).length) entries.push(entry);
    }
  } finally {
    await browser.close();
    srv.close();
  }

  const run = { package: `@mediapipe/pose@${mpVersion}`, chromium: chromiumVersion, renderer, playwright_core: pwVersion, date };
  for (const e of entries) for (const res of Object.values(e.results)) res.run = run;
  const manifestPath = path.join(outDir, 'manifest.json');
  let all = entries;
  if (!args.check && fs.existsSync(manifestPath)) {
    // merge: keep results of images/complexities this run did not make
    const old = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const byStem = new Map((old.images || []).map((e) => [e.stem, e]));
    for (const e of entries) {
      const prev = byStem.get(e.stem);
      const keepOld = prev && prev.source_sha256 === e.source_sha256 ? prev.results : {};
      byStem.set(e.stem, { ...e, results: { ...keepOld, ...e.results } });
    }
    if (fullRun) for (const s of [...byStem.keys()]) if (!stems.has(s)) byStem.delete(s);
    all = [...byStem.values()];
  }
  for (const e of all) e.results = Object.fromEntries(Object.entries(e.results).sort());
  all.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const manifest = {
    what: 'Landmarks from MediaPipe\'s own legacy Pose solution (npm @mediapipe/pose) run in headless Chromium; made by scripts/make-mediapipe-pose-golden',
    format: '<stem>.c<modelComplexity>.json: image size, options, pose_found, and if found poseLandmarks (33 x {x, y, z, visibility}, x/y normalized to the image width/height, z on the scale of x) and poseWorldLandmarks (33 x {x, y, z, visibility}, metres, origin between the hips), exactly as results.poseLandmarks / results.poseWorldLandmarks gave them',
    input: args.input === 'canvas'
      ? 'image file decoded by Chromium with createImageBitmap(colorSpaceConversion "none"), drawn to a canvas, send({image: canvas})'
      : 'image file as an <img> element (colour-managed decode), send({image: img})',
    state: 'fresh browser context per image and complexity; reset() before every send() (single-image detection, the legacy JS API has no staticImageMode option)',
    options: baseOptions,
    package: `@mediapipe/pose@${mpVersion}`, chromium: chromiumVersion, chromium_flags: CHROMIUM_FLAGS, renderer,
    playwright_core: pwVersion, date,
    models: Object.fromEntries(MODEL_FILES.map((f, c) => [`c${c}`, { model_complexity: c, file: f, sha256: modelSha[c] }])),
    images: all,
  };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 1) + '\n');

  if (fullRun && !args.check && args.complexity.length === 3) {
    const keep = new Set(all.flatMap((e) => Object.values(e.results).map((m) => m.file)));
    for (const f of fs.readdirSync(outDir)) {
      if (/\.c[012]\.json$/.test(f) && !keep.has(f)) {
        fs.rmSync(path.join(outDir, f));
        console.log(`removed stale ${rel(root, path.join(outDir, f))}`);
      }
    }
  }

  if (args.check) {
    let bad = 0;
    for (const name of written) {
      const want = path.join(goldenDir, name);
      if (!fs.existsSync(want)) { bad++; console.log(`check ${name}: no committed golden`); continue; }
      const a = fs.readFileSync(want, 'utf8'), b = fs.readFileSync(path.join(outDir, name), 'utf8');
      if (a === b) { console.log(`check ${name}: byte-identical`); continue; }
      bad++;
      console.log(`check ${name}: DIFFERS: ${fmtDiff(landmarkDiff(JSON.parse(a), JSON.parse(b)))}`);
    }
    if (bad) console.log(`check: ${bad} file(s) differ; this run's output kept in ${outDir}`);
    else { console.log('check: all landmark files byte-identical to the committed goldens'); fs.rmSync(outDir, { recursive: true, force: true }); }
    if (bad) failures++;
  } else {
    console.log(`wrote ${written.length} landmark file(s) to ${rel(root, outDir) || '.'}`);
  }
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(`make_pose_golden.mjs: ${e.stack || e}`); process.exit(1); });
