// bench_tflite.mjs - time TensorFlow Lite's Invoke() on one model with @tensorflow/tfjs-tflite
// (TFLite + XNNPACK compiled to WebAssembly) under Node, for scripts/bench-peers. One process
// = one round: load the model once, warm up, then time each Infer() call; prints one JSON
// line on stdout.
//
//   node bench_tflite.mjs --cache DIR --model FILE.tflite [--threads N] [--variant V]
//                         [--warmup W] [--runs N] [--seed S]
//
// Variant: 'simd' (default for 1 thread: the build a browser user gets) or 'plain'; for
// --threads > 1 the threaded SIMD build, 'simd_threaded' (the only one that uses threads),
// whose Emscripten pthreads run on node:worker_threads through a small Web-Worker shim.
// Inputs: the seeded xorshift inputs of make_golden.mjs (seed 1, range [0,1]); the selfie
// models get their custom op rewritten to TRANSPOSE_CONV first (same rewrite as the
// goldens), so what is timed is the builtin op, a near-equal amount of work.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';
import { readModel } from './tflite_file.mjs';
import { rewriteTransposeConvBias, CUSTOM_CODE } from './rewrite_transpose_conv_bias.mjs';
import { VARIANTS, loadRuntime } from './tflite_wasm.mjs';
import { xorshiftInputs } from './make_golden.mjs';

class UsageError extends Error {}

function parseArgs(argv) {
  const a = { threads: 1, warmup: 5, runs: 20, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${k} needs a value`);
      return argv[++i];
    };
    const int = (min) => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < min) throw new UsageError(`${k}: want an integer >= ${min}`);
      return v;
    };
    if (k === '--cache') a.cache = val();
    else if (k === '--model') a.model = val();
    else if (k === '--threads') a.threads = int(1);
    else if (k === '--variant') a.variant = val();
    else if (k === '--warmup') a.warmup = int(0);
    else if (k === '--runs') a.runs = int(1);
    else if (k === '--seed') a.seed = int(0);
    else throw new UsageError(`unknown argument "${k}"`);
  }
  if (!a.cache || !a.model) throw new UsageError('--cache DIR and --model FILE are required');
  a.variant ??= a.threads > 1 ? 'simd_threaded' : 'simd';
  if (a.threads > 1 && !a.variant.includes('threaded')) {
    throw new UsageError(`--threads ${a.threads} needs a threaded variant (simd_threaded), not ${a.variant}`);
  }
  return a;
}

// Web Worker API on node:worker_threads, just what Emscripten's pthread pool uses:
// new Worker(url), onmessage, onerror, postMessage(msg, transfer), terminate(). The worker
// runs the package's <stem>.worker.js with worker-like globals.
function workerClass(wasmDir, stem) {
  const workerJs = path.join(wasmDir, stem + '.worker.js');
  if (!fs.existsSync(workerJs)) throw new Error(`missing ${workerJs}`);
  const boot = `
    const { parentPort } = require('node:worker_threads');
    const vm = require('node:vm'), fs = require('node:fs'), { fileURLToPath } = require('node:url');
    globalThis.self = globalThis;
    self.location = { href: ${JSON.stringify(pathToFileURL(workerJs).href)}, origin: 'file://' };
    globalThis.importScripts = (u) => {
      const p = u.startsWith('file:') ? fileURLToPath(u) : u;
      vm.runInThisContext(fs.readFileSync(p, 'utf8'), { filename: p });
    };
    globalThis.postMessage = (m, t) => parentPort.postMessage(m, t);
    parentPort.on('message', (data) => self.onmessage && self.onmessage({ data }));
    vm.runInThisContext(fs.readFileSync(${JSON.stringify(workerJs)}, 'utf8'), { filename: ${JSON.stringify(workerJs)} });`;
  return class {
    constructor() {
      this.w = new NodeWorker(boot, { eval: true });
      this.w.on('message', (data) => this.onmessage && this.onmessage({ data }));
      this.w.on('error', (e) => (this.onerror ? this.onerror(e) : console.error(e)));
    }
    postMessage(m, t) { this.w.postMessage(m, t); }
    terminate() { this.w.terminate(); }
  };
}

// tflite_wasm.mjs loads the single-threaded builds; for the threaded one we register its
// file stem, give Emscripten a Worker class, and tell the glue where its own script is
// (each pthread worker loads it again).
function loadThreadedRuntime(cacheDir, variant) {
  const stem = 'tflite_web_api_cc_' + variant;
  const req = createRequire(path.join(cacheDir, 'package.json'));
  const wasmDir = path.join(path.dirname(req.resolve('@tensorflow/tfjs-tflite/package.json')), 'wasm');
  VARIANTS[variant] = stem;
  globalThis.Worker = workerClass(wasmDir, stem);
  const rt = loadRuntime(cacheDir, variant);
  const glue = path.join(wasmDir, stem + '.js');
  const shim = globalThis.importScripts;
  globalThis.importScripts = (url) => {
    shim(url);
    const factory = globalThis.tflite_web_api_ModuleFactory;
    globalThis.tflite_web_api_ModuleFactory = (opts = {}) =>
      factory(Object.assign(opts, { mainScriptUrlOrBlob: glue }));
  };
  return rt;
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const original = fs.readFileSync(a.model);
  const info = readModel(original);
  const rewritten = info.opcodes.some((c) => c.custom === CUSTOM_CODE);
  const buf = rewritten ? rewriteTransposeConvBias(original).buf : original;
  const rt = a.variant.includes('threaded') ? loadThreadedRuntime(a.cache, a.variant) : loadRuntime(a.cache, a.variant);

  const t0 = performance.now();
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const model = await rt.tflite.loadTFLiteModel(ab, { numThreads: a.threads });
  const loadMs = performance.now() - t0;
  const runner = model.modelRunner;
  const ins = runner.getInputs();
  const shapes = ins.map((t) => t.shape.split(',').map(Number));
  const data = xorshiftInputs(shapes, a.seed, 0, 1);
  ins.forEach((t, i) => {
    if (t.dataType !== 'float32') throw new Error(`input ${t.name}: ${t.dataType}, only float32 supported`);
    t.data().set(data[i]);
  });
  for (let i = 0; i < a.warmup; i++) if (!runner.infer()) throw new Error('TFLite Invoke() failed');
  const ms = [];
  for (let i = 0; i < a.runs; i++) {
    const s = performance.now();
    const ok = runner.infer();
    ms.push(performance.now() - s);
    if (!ok) throw new Error('TFLite Invoke() failed');
  }
  runner.cleanUp();
  const r3 = (x) => Math.round(x * 1000) / 1000;
  console.log(JSON.stringify({
    model: path.basename(a.model), runtime: `tfjs-tflite ${rt.version} wasm ${a.variant}`, variant: a.variant,
    threads: a.threads, rewritten, warmup: a.warmup, load_ms: r3(loadMs),
    median_ms: r3(median(ms)), mean_ms: r3(ms.reduce((x, y) => x + y, 0) / ms.length),
    min_ms: r3(Math.min(...ms)), max_ms: r3(Math.max(...ms)), runs_ms: ms.map(r3),
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  main().then(() => process.exit(0), (e) => {
    console.error(`bench_tflite: ${e instanceof UsageError ? '' : 'error: '}${e.message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}

export { median };
