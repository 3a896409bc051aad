// Whether this engine accepts WebAssembly SIMD, asked of the engine itself with the smallest
// module that uses it. The library makes the same check on its own SIMD build in init().

// (module (func (result v128) (v128.const i64x2 0 0)))
const MAGIC_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPES = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b]; // one type: () -> v128
const FUNCTIONS = [0x03, 0x02, 0x01, 0x00]; // one function of type 0
const V128_CONST_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)]; // the SIMD prefix 0xfd, opcode 12
const CODE = [0x0a, 0x16, 0x01, 0x14, 0x00, ...V128_CONST_ZERO, 0x0b]; // one body, no locals, then end
const SIMD_MODULE = new Uint8Array([...MAGIC_VERSION, ...TYPES, ...FUNCTIONS, ...CODE]);

export function engineRunsSimd(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_MODULE);
}
