// The words of shared memory through which the calling thread, the supervisor and the compute
// workers of a pool coordinate (Int32, read and written only with Atomics). It sits at the start
// of the heap of a shared-memory runtime, below everything the arena hands out, so a view of it
// stays valid when the memory grows.

/** Incremented for every job; workers wait on it. */
export const GENERATION = 0;
/** Workers still computing their share of the current job; the calling thread waits on it. */
export const REMAINING = 1;
/** The number of a worker that died during the current job, or 0. */
export const FAILED = 2;
/** Set once when the pool is disposed. */
export const STOP = 3;
/** Test hook: the number of a worker that must die halfway through its next share, or 0. */
export const FAULT = 4;
/** The job's arguments (the syrkSweep arguments but its tile range), one word each. */
export const ARGUMENTS = 8;
/** Words of arguments. */
export const ARGUMENT_WORDS = 8;
/** [t0, t1) of thread i (0 = the calling thread) at RANGES + 2i. */
export const RANGES = ARGUMENTS + ARGUMENT_WORDS;

/** Worker states, at statesWord(threads) + i. */
export const IDLE = 0;
export const BUSY = 1;
/** Not started yet, or dead and being replaced. */
export const ABSENT = 2;

/** The most threads a runtime may use (the control block is sized for it). */
export const MAX_THREADS = 256;

/** First word of the per-thread states. */
export const STATES = RANGES + 2 * MAX_THREADS;

/** Bytes the control block reserves at the start of the heap (a multiple of 64). */
export const CONTROL_BYTES = Math.ceil(((STATES + MAX_THREADS) * 4) / 64) * 64;
