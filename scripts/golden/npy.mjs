// npy.mjs - NumPy .npy files, format version 1.0, little-endian float32 ('<f4'), C order.
//   bytes 0-5  "\x93NUMPY"   6-7  version 1, 0   8-9  header length (u16 LE)
//   header     "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 256, 256, 3), }"
//              padded with spaces and ended by "\n" so the data starts at a multiple of 64
//   data       the float32 values, little-endian, C order
import fs from 'node:fs';

function header(shape) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = 10 + h.length + 1;
  h += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  return h;
}

export function encodeNpy(shape, data) {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`npy: ${data.length} values for shape [${shape}]`);
  const h = header(shape);
  const out = Buffer.alloc(10 + h.length + 4 * n);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(out, 0);
  out.writeUInt16LE(h.length, 8);
  out.write(h, 10, 'latin1');
  const off = 10 + h.length;
  for (let i = 0; i < n; i++) out.writeFloatLE(data[i], off + 4 * i);
  return out;
}

export function writeNpy(file, shape, data) {
  fs.writeFileSync(file, encodeNpy(shape, data));
}

// Reads only what encodeNpy writes ('<f4', C order); returns { shape, data }.
export function readNpy(file) {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 1, 6) !== 'NUMPY' || b[0] !== 0x93) throw new Error(`${file}: not a .npy file`);
  const hl = b.readUInt16LE(8);
  const h = b.toString('latin1', 10, 10 + hl);
  if (!h.includes("'descr': '<f4'") || !h.includes("'fortran_order': False")) throw new Error(`${file}: not '<f4' C order`);
  const m = h.match(/'shape': \(([^)]*)\)/);
  const shape = m[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, c) => a * c, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = b.readFloatLE(10 + hl + 4 * i);
  return { shape, data };
}
