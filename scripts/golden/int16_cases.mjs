// int16_cases.mjs - goldens for the int16-activation ("16x8") cases of
// scripts/make-int16-cases: runs every testdata/int16/<case>.tflite with
// TensorFlow Lite's WebAssembly build (plain variant; TFLite's builtin int16
// kernels, XNNPACK takes no int16 op) on seeded inputs and writes the raw
// bytes of output 0 as <case>.out beside the model (bad_* cases, which arv
// must refuse, are skipped). Started by
// scripts/make-golden --int16-cases.
//
// Inputs (float32, every input from one stream): xorshiftInputs(shapes, SEED,
// LO, HI) of make_golden.mjs, which tests/unit/test_int16_models.c
// regenerates bit for bit.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRuntime, runModelRaw } from './tflite_wasm.mjs';
import { xorshiftInputs } from './make_golden.mjs';

export const SEED = 7, LO = -6, HI = 6;

async function main() {
  const args = process.argv.slice(2);
  const cache = args[args.indexOf('--cache') + 1];
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = args.includes('--dir') ? args[args.indexOf('--dir') + 1] : path.join(root, 'testdata', 'int16');
  const rt = loadRuntime(cache, 'plain');
  let failed = 0;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.tflite') && !n.startsWith('bad_')).sort()) {
    const buf = fs.readFileSync(path.join(dir, f));
    const stem = f.replace(/\.tflite$/, '');
    try {
      const model = await rt.tflite.loadTFLiteModel(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), { numThreads: 1 });
      const shapes = model.modelRunner.getInputs().map((t) => t.shape.split(',').map(Number));
      model.modelRunner.cleanUp();
      const inputs = xorshiftInputs(shapes, SEED, LO, HI);
      const r = await runModelRaw(rt, buf, inputs);
      const o = r.outputs[0];
      fs.writeFileSync(path.join(dir, stem + '.out'), o.bytes);
      console.log(`${stem}: ${o.dtype} [${o.shape}] ${o.bytes.length} bytes`);
    } catch (e) {
      failed++;
      console.log(`${stem}: TFLite refused or failed: ${e.message}`);
    }
  }
  if (failed) console.log(`${failed} case(s) without golden`);
}

main().then(() => process.exit(0), (e) => { console.error(`int16_cases: ${e.message}`); process.exit(1); });
