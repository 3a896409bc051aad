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
/** Test hook: the number of a worker that must die during its next job, or 0. */
export const FAULT = 4;
/** The next part of the current job to claim (every thread takes parts with Atomics.add). */
export const NEXT = 5;
/** How many parts the current job has; their tile bounds are at RANGES .. RANGES + PARTS. */
export const PARTS = 6;
/** The job's arguments (the syrkSweep arguments but its tile range), one word each. */
export const ARGUMENTS = 8;
/** Words of arguments. */
export const ARGUMENT_WORDS = 8;
/** Part p of the job is the column tiles [RANGES + p, RANGES + p + 1). */
export const RANGES = ARGUMENTS + ARGUMENT_WORDS;

/** Worker states, at STATES + i: waiting for a job. */
export const IDLE = 0;
/** Given the current job by the calling thread, not yet started on it (the caller may take it back). */
export const BUSY = 1;
/** Not started yet, or dead and being replaced. */
export const ABSENT = 2;
/** Working on the current job (claiming its parts). */
export const RUNNING = 3;

/** The most threads a runtime may use (the control block is sized for it). */
export const MAX_THREADS = 256;

/** The most parts a job may have (the range words between RANGES and STATES hold their bounds). */
export const MAX_PARTS = 2 * MAX_THREADS - 1;

/** First word of the per-thread states. */
export const STATES = RANGES + 2 * MAX_THREADS;

/** Bytes the control block reserves at the start of the heap (a multiple of 64). */
export const CONTROL_BYTES = Math.ceil(((STATES + MAX_THREADS) * 4) / 64) * 64;

/** Every word and state above by name: the worker script, which cannot import, gets them substituted. */
export const CONTROL_WORDS: Readonly<Record<string, number>> = {
  GENERATION,
  REMAINING,
  FAILED,
  STOP,
  FAULT,
  NEXT,
  PARTS,
  ARGUMENTS,
  RANGES,
  STATES,
  IDLE,
  BUSY,
  ABSENT,
  RUNNING,
};
