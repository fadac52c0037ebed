#!/usr/bin/env node
// make_golden.mjs - run MediaPipe's own legacy Selfie Segmentation solution
// (@mediapipe/selfie_segmentation, WASM + WebGL) in headless Debian Chromium through
// playwright-core, on still images, and write its masks as goldens:
//   <out>/<stem>.general.png     modelSelection 0 (selfie_segmentation.tflite, 256x256)
//   <out>/<stem>.landscape.png   modelSelection 1 (selfie_segmentation_landscape.tflite, 256x144)
//   <out>/manifest.json
// Masks are 8-bit grey PNGs at the image's size holding MediaPipe's mask value (the ALPHA
// channel of results.segmentationMask), 0..255.
//
// Normally started by scripts/make-mediapipe-golden, which installs what this needs:
//   node make_golden.mjs --root REPO --cache DIR [--image F]... [--out DIR] [--check]
//                        [--overlay DIR] [--input canvas|img] [--sends N] [--verbose]
// See scripts/mediapipe/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { writeGreyPng, readGreyPng } from './png.mjs';
import { readNpyF32, resizeBilinear, iouAt } from './compare.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODELS = [
  { name: 'general', modelSelection: 0, file: 'selfie_segmentation.tflite', tfliteGolden: 'selfie_segmentation' },
  { name: 'landscape', modelSelection: 1, file: 'selfie_segmentation_landscape.tflite', tfliteGolden: 'selfie_segmentation_landscape' },
];
// Flags the workplace found to work for WebGL (SwiftShader) in headless Debian Chromium;
// no --disable-gpu. playwright adds --headless itself (headless: true).
const CHROMIUM_FLAGS = ['--no-sandbox', '--enable-unsafe-swiftshader', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const IMAGE_EXT = /\.(jpe?g|png)$/i;

function parseArgs(argv) {
  const a = { image: [], sends: 2, input: 'canvas' };
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
    else if (k === '--check') a.check = true;
    else if (k === '--verbose') a.verbose = true;
    else throw new Error(`unknown argument ${k} (see scripts/make-mediapipe-golden --help)`);
  }
  if (!a.root || !a.cache) throw new Error('--root and --cache are required');
  if (!['canvas', 'img'].includes(a.input)) throw new Error('--input is canvas or img');
  if (!(a.sends >= 1)) throw new Error('--sends must be >= 1');
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
  return list;
}

// TFLite raw-model goldens made by scripts/make-golden from a real photo: testdata/golden/<model>/photo/.
function findTfliteGolden(root, model, imageSha) {
  const dir = path.join(root, 'testdata/golden', model.tfliteGolden, 'photo');
  const mf = path.join(dir, 'manifest.json');
  if (!fs.existsSync(mf)) return null;
  const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
  if (!m.input || m.input.source_sha256 !== imageSha) return null;
  const out = (m.outputs || [])[0];
  if (!out || !fs.existsSync(path.join(dir, out.file))) return null;
  return { dir, manifest: m, file: path.join(dir, out.file) };
}

function maskStats(u8) {
  let mn = 255, mx = 0, sum = 0, fg = 0;
  for (const v of u8) { if (v < mn) mn = v; if (v > mx) mx = v; sum += v; if (v >= 128) fg++; }
  return { min: mn, max: mx, mean: Math.round((sum / u8.length) * 1000) / 1000,
    foreground_fraction: Math.round((fg / u8.length) * 1e6) / 1e6 };
}

function diffStats(a, b) {
  if (a.width !== b.width || a.height !== b.height) return { sizeDiffers: true };
  let maxAbs = 0, n = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (d) { n++; if (d > maxAbs) maxAbs = d; }
  }
  return { maxAbs, differing: n, pixels: a.data.length };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = path.resolve(args.root);
  const cache = path.resolve(args.cache);
  const req = createRequire(path.join(cache, 'package.json'));
  const { chromium } = req('playwright-core');
  const pwVersion = JSON.parse(fs.readFileSync(path.join(cache, 'node_modules/playwright-core/package.json'), 'utf8')).version;
  const mpDir = path.join(cache, 'node_modules/@mediapipe/selfie_segmentation');
  const mpVersion = JSON.parse(fs.readFileSync(path.join(mpDir, 'package.json'), 'utf8')).version;
  const modelSha = Object.fromEntries(MODELS.map((m) => [m.name, sha256(fs.readFileSync(path.join(mpDir, m.file)))]));

  const goldenDir = path.resolve(root, args.out || 'testdata/mediapipe/selfie');
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
  const outDir = args.check ? fs.mkdtempSync(path.join(os.tmpdir(), 'arv-mp-check-')) : goldenDir;
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
  let renderer = null, failures = 0;
  try {
    for (const [i, im] of images.entries()) {
      const entry = {
        stem: im.stem, source: rel(root, im.file), source_sha256: sha256(im.bytes), width: 0, height: 0,
        decoded_rgb_sha256: null, masks: {},
      };
      const alphas = {};
      for (const model of MODELS) {
        // A fresh browser context and page per image and model: nothing carries over.
        const ctx = await browser.newContext();
        const page = await ctx.newPage();
        const logs = [];
        page.on('console', (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
        page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
        let r;
        try {
          await page.goto(`${srv.origin}/page/selfie.html`);
          await page.waitForFunction(() => window.pageReady === true && typeof window.SelfieSegmentation === 'function');
          r = await page.evaluate((cfg) => window.runSelfie(cfg), {
            image: `/img/${i}/${encodeURIComponent(path.basename(im.file))}`, modelSelection: model.modelSelection,
            sends: args.sends, input: args.input, overlay: !!args.overlay,
          });
        } catch (e) {
          failures++;
          console.error(`FAILED ${entry.source} ${model.name}: ${String(e.message).split('\n')[0]}`);
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
        if (r.mask.width !== r.width || r.mask.height !== r.height) {
          throw new Error(`${entry.source}: mask is ${r.mask.width}x${r.mask.height}, image ${r.width}x${r.height}`);
        }
        if (!r.sendsIdentical) console.error(`warning: ${entry.source} ${model.name}: the ${r.sends} sends gave different masks (first kept)`);
        const alpha = new Uint8Array(Buffer.from(r.mask.alpha, 'base64'));
        alphas[model.name] = alpha;
        entry.width = r.width; entry.height = r.height;
        if (entry.decoded_rgb_sha256 && entry.decoded_rgb_sha256 !== r.rgbSha256) console.error(`warning: ${entry.source} decoded differently between pages`);
        entry.decoded_rgb_sha256 = r.rgbSha256;
        const name = `${im.stem}.${model.name}.png`;
        const png = writeGreyPng(r.width, r.height, alpha);
        const target = path.join(outDir, name);
        let vsPrevious = 'new';
        if (fs.existsSync(target)) {
          const old = fs.readFileSync(target);
          if (old.equals(png)) vsPrevious = 'unchanged';
          else {
            const d = diffStats(readGreyPng(old), { width: r.width, height: r.height, data: alpha });
            vsPrevious = d.sizeDiffers ? 'changed (size)' : `changed (max abs diff ${d.maxAbs}, ${d.differing} px)`;
          }
        }
        fs.writeFileSync(target, png);
        if (args.overlay) fs.writeFileSync(path.join(args.overlay, `${im.stem}.${model.name}.overlay.png`), Buffer.from(r.overlay.split(',')[1], 'base64'));
        entry.masks[model.name] = {
          file: name, sha256: sha256(png), model_selection: model.modelSelection, model_file: model.file,
          model_sha256: modelSha[model.name], ...maskStats(alpha),
          mask_rgba_channel_min: r.mask.channelMin, mask_rgba_channel_max: r.mask.channelMax,
          sends: r.sends, sends_identical: r.sendsIdentical,
        }; // (no timings here: a re-run should change nothing but the date)
        console.log(`${entry.source} ${r.width}x${r.height} ${model.name}: mean ${entry.masks[model.name].mean}, ` +
          `fg ${(100 * entry.masks[model.name].foreground_fraction).toFixed(1)}%, ${r.sends} sends ` +
          `${r.sendsIdentical ? 'identical' : 'DIFFER'}, send ${Math.round(r.sendMs[0])} ms; ${vsPrevious}`);
      }
      if (!alphas.general || !alphas.landscape) continue;
      // Agreement numbers (informational): general vs landscape, and vs TFLite's raw model output.
      entry.iou_general_vs_landscape = Math.round(iouAt(alphas.general, alphas.landscape, 0.5) * 1e4) / 1e4;
      for (const model of MODELS) {
        const g = findTfliteGolden(root, model, entry.source_sha256);
        if (!g) continue;
        const t = readNpyF32(g.file);
        const [, hs, ws] = t.shape;
        const up = resizeBilinear(t.data, ws, hs, entry.width, entry.height);
        const iou = iouAt(alphas[model.name], up, 0.5);
        entry.masks[model.name].tflite_compare = {
          golden: rel(root, g.file), golden_sha256: sha256(fs.readFileSync(g.file)), runtime: g.manifest.runtime,
          how: `TFLite output ${ws}x${hs} (${g.manifest.input.preprocess}) resized bilinearly (half-pixel centres) to ${entry.width}x${entry.height}; foreground = value > 0.5 (MediaPipe: byte >= 128)`,
          iou_at_0_5: Math.round(iou * 1e4) / 1e4,
        };
        console.log(`  IoU@0.5 MediaPipe ${model.name} vs TFLite ${model.tfliteGolden} (${rel(root, g.file)}): ${iou.toFixed(4)}`);
      }
      entry.run = {
        package: `@mediapipe/selfie_segmentation@${mpVersion}`, chromium: chromiumVersion, renderer,
        playwright_core: pwVersion, date, options: { selfieMode: false }, input: args.input,
      };
      entries.push(entry);
    }
  } finally {
    await browser.close();
    srv.close();
  }

  const manifestPath = path.join(outDir, 'manifest.json');
  let all = entries;
  if (!fullRun && !args.check && fs.existsSync(manifestPath)) {
    const old = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const mine = new Set(entries.map((e) => e.stem));
    all = [...(old.images || []).filter((e) => !mine.has(e.stem)), ...entries];
  }
  all.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const manifest = {
    what: 'Masks from MediaPipe\'s own legacy Selfie Segmentation solution (npm @mediapipe/selfie_segmentation) run in headless Chromium; made by scripts/make-mediapipe-golden',
    mask_format: '8-bit grey PNG at the image size; value = alpha channel of results.segmentationMask (MediaPipe\'s mask value), 0..255',
    input: args.input === 'canvas'
      ? 'image file decoded by Chromium with createImageBitmap(colorSpaceConversion "none"), drawn to a canvas, send({image: canvas})'
      : 'image file as an <img> element (colour-managed decode), send({image: img})',
    state: 'fresh browser context per image and model; reset() before every send()',
    package: `@mediapipe/selfie_segmentation@${mpVersion}`,
    chromium: chromiumVersion, chromium_flags: CHROMIUM_FLAGS, renderer, playwright_core: pwVersion,
    models: Object.fromEntries(MODELS.map((m) => [m.name, { model_selection: m.modelSelection, file: m.file, sha256: modelSha[m.name] }])),
    images: all,
  };
  // one line per array of numbers, to keep the manifest short
  const json = JSON.stringify(manifest, null, 1)
    .replace(/\[\n\s*([-\d.e,\s]+?)\n\s*\]/g, (m, inner) => `[${inner.split(/,\s*/).join(', ')}]`);
  fs.writeFileSync(manifestPath, json + '\n');

  if (fullRun && !args.check) {
    const keep = new Set(all.flatMap((e) => Object.values(e.masks).map((m) => m.file)));
    for (const f of fs.readdirSync(outDir)) {
      if (/\.(general|landscape)\.png$/.test(f) && !keep.has(f)) {
        fs.rmSync(path.join(outDir, f));
        console.log(`removed stale ${rel(root, path.join(outDir, f))}`);
      }
    }
  }

  if (args.check) {
    let bad = 0;
    for (const e of entries) {
      for (const m of Object.values(e.masks)) {
        const want = path.join(goldenDir, m.file);
        if (!fs.existsSync(want)) { bad++; console.log(`check ${m.file}: no committed golden`); continue; }
        const a = fs.readFileSync(want), b = fs.readFileSync(path.join(outDir, m.file));
        if (a.equals(b)) { console.log(`check ${m.file}: byte-identical`); continue; }
        bad++;
        const d = diffStats(readGreyPng(a), readGreyPng(b));
        console.log(`check ${m.file}: DIFFERS${d.sizeDiffers ? ' in size' : `: max abs diff ${d.maxAbs}, ${d.differing} of ${d.pixels} px`}`);
      }
    }
    if (bad) console.log(`check: ${bad} mask(s) differ; this run's output kept in ${outDir}`);
    else { console.log('check: all masks byte-identical to the committed goldens'); fs.rmSync(outDir, { recursive: true, force: true }); }
    if (bad) failures++;
  } else {
    console.log(`wrote ${entries.length} image(s) x ${MODELS.length} models to ${rel(root, outDir) || '.'}`);
  }
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(`make_golden.mjs: ${e.stack || e}`); process.exit(1); });
