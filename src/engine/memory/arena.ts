// A first-fit allocator over a linear memory, owned by the host. Blocks are
// 16-byte aligned (one v128); freed blocks coalesce with their neighbours, so
// disposing objects returns their memory for reuse. memory.grow detaches every
// typed-array view, so callers re-create views after any alloc().
import { OutOfMemoryError } from "../../base/errors.js";
import { MAX_PAGES, MEMORY_LIMIT_BYTES, PAGE_BYTES } from "../../base/memory-limits.js";
import type { LinearMemory } from "../kernels.js";

const ALIGN = 16;

interface Block {
  start: number;
  bytes: number;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class Arena {
  /** Free blocks, sorted by address, never adjacent. */
  private readonly freeBlocks: Block[] = [];
  private readonly used = new Map<number, number>();
  private top: number;
  private usedBytes = 0;

  constructor(
    private readonly memory: LinearMemory,
    heapBase: number,
    /** How many objects with dispose() are alive, for the out-of-memory error to report. */
    private readonly liveObjects: () => number = () => 0,
  ) {
    this.top = alignUp(heapBase);
  }

  /** Reserves `bytes` (rounded up to 16) and returns the byte offset. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, alignUp(bytes));
    for (let k = 0; k < this.freeBlocks.length; k++) {
      const block = this.freeBlocks[k] as Block;
      if (block.bytes < size) continue;
      const start = block.start;
      if (block.bytes === size) this.freeBlocks.splice(k, 1);
      else {
        block.start += size;
        block.bytes -= size;
      }
      this.used.set(start, size);
      this.usedBytes += size;
      return start;
    }
    // No free block fits: extend the top, absorbing a free block that ends there.
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    let start = this.top;
    if (last && last.start + last.bytes === this.top) {
      start = last.start;
      this.freeBlocks.pop();
    }
    this.ensureCapacity(start + size, start);
    this.top = start + size;
    this.used.set(start, size);
    this.usedBytes += size;
    return start;
  }

  /** Returns a block from alloc() to the free list. */
  free(start: number): void {
    const size = this.used.get(start);
    if (size === undefined) throw new Error(`Arena.free: ${start} is not an allocated block.`);
    this.used.delete(start);
    this.usedBytes -= size;
    const blocks = this.freeBlocks;
    let k = 0;
    while (k < blocks.length && (blocks[k] as Block).start < start) k++;
    const block: Block = { start, bytes: size };
    blocks.splice(k, 0, block);
    const next = blocks[k + 1];
    if (next && block.start + block.bytes === next.start) {
      block.bytes += next.bytes;
      blocks.splice(k + 1, 1);
    }
    const prev = blocks[k - 1];
    if (prev && prev.start + prev.bytes === block.start) {
      prev.bytes += block.bytes;
      blocks.splice(k, 1);
    }
  }

  /** Bytes held by live blocks. */
  get liveBytes(): number {
    return this.usedBytes;
  }

  /** Number of live blocks. */
  get liveBlocks(): number {
    return this.used.size;
  }

  private ensureCapacity(end: number, restoreStart: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE_BYTES);
    const havePages = have / PAGE_BYTES;
    try {
      if (havePages + pages > MAX_PAGES) throw new RangeError("beyond 4 GiB");
      this.memory.grow(pages);
    } catch {
      // Leave the free list as it was before this alloc().
      if (restoreStart < this.top) this.freeBlocks.push({ start: restoreStart, bytes: this.top - restoreStart });
      throw new OutOfMemoryError(end - restoreStart, this.usedBytes, this.liveObjects(), MEMORY_LIMIT_BYTES);
    }
  }
}
