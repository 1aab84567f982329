// Pieces of the WebAssembly binary format for the small hand-encoded modules (wasmHeapModule.ts and
// its kernels, src/bench/wasmSimdPeak.ts): numbers, sections, names, and the opcodes they use.

/** Unsigned LEB128, the binary format's integer encoding. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: id, byte length, body. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** A name (length-prefixed ASCII). */
export const wasmName = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

/** Little-endian bytes of a float32 constant. */
export const f32Bytes = (v: number): number[] => [...new Uint8Array(new Float32Array([v]).buffer)];

/** The module header: magic and version 1. */
export const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
export const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I32_CONST = 0x41, F32_CONST = 0x43;
export const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_GE_U = 0x4f, I32_EQZ = 0x45, I32_SHL = 0x74, F32_LOAD = 0x2a;
export const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;

/** A SIMD instruction: prefix 0xfd and its LEB128 opcode. */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
export const V128_LOAD = simd(0x00), V128_LOAD32_SPLAT = simd(0x09), V128_STORE = simd(0x0b), F32X4_SPLAT = simd(0x13), F32X4_EXTRACT_LANE = simd(0x1f);
export const V128_AND = simd(0x4e), V128_ANDNOT = simd(0x4f), V128_OR = simd(0x50), V128_BITSELECT = simd(0x52), F32X4_LT = simd(0x43), F32X4_GT = simd(0x44);
export const F32X4_SQRT = simd(0xe3), F32X4_ADD = simd(0xe4), F32X4_MUL = simd(0xe6), F32X4_DIV = simd(0xe7);
