// The size limits of 32-bit WebAssembly memory, which every backend (the plain-TypeScript one
// too) shares so that a dimension that fits one fits them all.

/** Bytes in one page of WebAssembly memory. */
export const PAGE_BYTES = 65536;
/** 32-bit WebAssembly memory: 65536 pages of 64 KiB. */
export const MAX_PAGES = 65536;
