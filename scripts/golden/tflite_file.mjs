// tflite_file.mjs - just enough of a .tflite (FlatBuffers, schema "TFL3") reader for the
// golden scripts: the tensors, operators and operator codes of each subgraph, and the
// subgraph's input/output lists. No flatc and no schema file; the field numbers used
// are those of tensorflow/lite/schema/schema.fbs and are written out below.
//
// FlatBuffers in one paragraph: the file starts with a uoffset (u32) to the root table.
// A table starts with an soffset (i32): vtable = table - soffset. A vtable is u16s:
// [vtable bytes, table bytes, field0 offset, field1 offset, ...]; offset 0 = field absent
// (the schema default applies). Offsets to sub-objects (tables, vectors, strings) are
// u32s relative to where they are stored and always point forward. A vector or string
// is a u32 length followed by the elements.

export const MODEL_F = { version: 0, operator_codes: 1, subgraphs: 2, description: 3, buffers: 4,
  metadata_buffer: 5, metadata: 6, signature_defs: 7 };
export const SUBGRAPH_F = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 };
export const OPERATOR_F = { opcode_index: 0, inputs: 1, outputs: 2, builtin_options_type: 3,
  builtin_options: 4, custom_options: 5 };
export const OPCODE_F = { deprecated_builtin_code: 0, custom_code: 1, version: 2, builtin_code: 3 };
export const TENSOR_F = { shape: 0, type: 1, buffer: 2, name: 3 };
export const BUFFER_F = { data: 0, offset: 1, size: 2 };
export const TENSOR_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16',
  'complex64', 'int8', 'float64'];

export class FbReader {
  constructor(buf) {
    if (buf.length < 8 || buf.toString('latin1', 4, 8) !== 'TFL3') {
      throw new Error('not a TFLite model (no "TFL3" file identifier)');
    }
    this.b = buf;
    this.root = this.u32(0);
  }
  u8(p) { return this.b.readUInt8(p); }
  i8(p) { return this.b.readInt8(p); }
  u16(p) { return this.b.readUInt16LE(p); }
  i32(p) { return this.b.readInt32LE(p); }
  u32(p) { return this.b.readUInt32LE(p); }
  vtable(t) { return t - this.i32(t); }
  // number of field slots the table's vtable has (present or not)
  fieldSlots(t) { return (this.u16(this.vtable(t)) - 4) / 2; }
  // absolute position of field f of table t, or 0 when absent
  fieldPos(t, f) {
    const vt = this.vtable(t);
    if (4 + 2 * f >= this.u16(vt)) return 0;
    const o = this.u16(vt + 4 + 2 * f);
    return o ? t + o : 0;
  }
  // follow the uoffset stored in field f (table, vector or string), 0 when absent
  ref(t, f) { const p = this.fieldPos(t, f); return p ? p + this.u32(p) : 0; }
  u32Field(t, f, dflt = 0) { const p = this.fieldPos(t, f); return p ? this.u32(p) : dflt; }
  i32Field(t, f, dflt = 0) { const p = this.fieldPos(t, f); return p ? this.i32(p) : dflt; }
  u8Field(t, f, dflt = 0) { const p = this.fieldPos(t, f); return p ? this.u8(p) : dflt; }
  i8Field(t, f, dflt = 0) { const p = this.fieldPos(t, f); return p ? this.i8(p) : dflt; }
  vecLen(v) { return v ? this.u32(v) : 0; }
  tables(v) { return Array.from({ length: this.vecLen(v) }, (_, i) => { const p = v + 4 + 4 * i; return p + this.u32(p); }); }
  ints(v) { return Array.from({ length: this.vecLen(v) }, (_, i) => this.i32(v + 4 + 4 * i)); }
  bytes(v) { return v ? this.b.subarray(v + 4, v + 4 + this.u32(v)) : null; }
  str(t, f) { const v = this.ref(t, f); return v ? this.b.toString('utf8', v + 4, v + 4 + this.u32(v)) : null; }
}

// Parse the parts of the model the golden scripts need.
export function readModel(buf) {
  const r = new FbReader(buf);
  const m = r.root;
  const opcodes = r.tables(r.ref(m, MODEL_F.operator_codes)).map((t) => {
    const custom = r.str(t, OPCODE_F.custom_code);
    // old files set only the deprecated int8 code; newer ones both (max() is the rule)
    const code = Math.max(r.i8Field(t, OPCODE_F.deprecated_builtin_code), r.i32Field(t, OPCODE_F.builtin_code));
    return { pos: t, builtin: code, custom, version: r.i32Field(t, OPCODE_F.version, 1) };
  });
  const buffers = r.tables(r.ref(m, MODEL_F.buffers)).map((t) => ({
    pos: t, data: r.bytes(r.ref(t, BUFFER_F.data)),
    external: r.fieldPos(t, BUFFER_F.offset) !== 0 || r.fieldPos(t, BUFFER_F.size) !== 0,
  }));
  const subgraphs = r.tables(r.ref(m, MODEL_F.subgraphs)).map((sg) => {
    const tensors = r.tables(r.ref(sg, SUBGRAPH_F.tensors)).map((t, index) => ({
      pos: t, index,
      name: r.str(t, TENSOR_F.name),
      shape: r.ints(r.ref(t, TENSOR_F.shape)),
      type: TENSOR_TYPES[r.i8Field(t, TENSOR_F.type)] ?? `type${r.i8Field(t, TENSOR_F.type)}`,
      buffer: r.u32Field(t, TENSOR_F.buffer),
    }));
    const operators = r.tables(r.ref(sg, SUBGRAPH_F.operators)).map((op, index) => ({
      pos: op, index,
      opcode: r.u32Field(op, OPERATOR_F.opcode_index),
      inputs: r.ints(r.ref(op, OPERATOR_F.inputs)),
      outputs: r.ints(r.ref(op, OPERATOR_F.outputs)),
      customOptions: r.bytes(r.ref(op, OPERATOR_F.custom_options)),
    }));
    return { pos: sg, tensors, operators,
      inputs: r.ints(r.ref(sg, SUBGRAPH_F.inputs)), outputs: r.ints(r.ref(sg, SUBGRAPH_F.outputs)) };
  });
  return { reader: r, opcodes, buffers, subgraphs };
}

// Constant data of a tensor as Float32Array (float32 or float16 buffers), or null when the
// tensor has no constant data (it is computed at run time).
export function constantF32(model, tensor) {
  const b = model.buffers[tensor.buffer];
  if (!b || !b.data || b.data.length === 0) return null;
  const d = b.data;
  if (tensor.type === 'float32') {
    const out = new Float32Array(d.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = d.readFloatLE(4 * i);
    return out;
  }
  if (tensor.type === 'float16') {
    const out = new Float32Array(d.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = halfToFloat(d.readUInt16LE(2 * i));
    return out;
  }
  throw new Error(`tensor ${tensor.name}: constant of type ${tensor.type} not supported`);
}

export function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
