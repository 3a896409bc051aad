// A growable ArrayBuffer that behaves like WebAssembly.Memory: grow() replaces the
// buffer, so views taken before it see the old one, exactly as with wasm memory.
import { MAX_PAGES, PAGE_BYTES } from "../../base/memory-limits.js";
import type { LinearMemory } from "../kernels.js";

export class JsMemory implements LinearMemory {
  private current: ArrayBuffer;

  constructor(initialPages: number) {
    this.current = new ArrayBuffer(initialPages * PAGE_BYTES);
  }

  get buffer(): ArrayBuffer {
    return this.current;
  }

  grow(deltaPages: number): number {
    const oldPages = this.current.byteLength / PAGE_BYTES;
    if (oldPages + deltaPages > MAX_PAGES) throw new RangeError("JsMemory.grow: beyond the 32-bit limit");
    const next = new ArrayBuffer((oldPages + deltaPages) * PAGE_BYTES);
    new Uint8Array(next).set(new Uint8Array(this.current));
    this.current = next;
    return oldPages;
  }
}
