// The order in which every optimiser sees the training digits: epoch e is a permutation drawn from
// mulberry32(seed + e), cut into batches; the last batch of an epoch may be smaller.
import { mulberry32, shuffleInPlace } from "../../tools/seeded-random.js";

/** The seed of the batch order. */
export const BATCH_SEED = 11;

/** The batches of epoch `epoch` (0-based) as arrays of row indices into the training set. */
export function epochBatches(count: number, batchSize: number, epoch: number, seed = BATCH_SEED): Int32Array[] {
  const next = mulberry32(seed + epoch);
  const order = shuffleInPlace(
    Int32Array.from({ length: count }, (_, k) => k),
    next,
  );
  const batches: Int32Array[] = [];
  for (let start = 0; start < count; start += batchSize) batches.push(order.subarray(start, start + batchSize));
  return batches;
}
