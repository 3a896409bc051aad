// The centered covariance of scores far from zero: 1e8 + N(0, 1). A one-pass formula loses all
// digits there and chunk means summed plainly lose half; computed about a shift, the centered
// path keeps the accuracy of a two-pass computation.
import { beforeAll, describe, it } from "vitest";
import { createRuntime, empiricalFisher, FisherAccumulator, type Runtime } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, uniform } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

const D = 8;
const OFFSET = 1e8;
const TOLERANCE = 1e-12;

/** n rows of `offset` + N(0, 1) in each of D columns, with a column-dependent spread. */
function shiftedScores(n: number, seed: number, offset = OFFSET): Float64Array {
  const next = normal(seed);
  const out = new Float64Array(n * D);
  for (let t = 0; t < out.length; t++) out[t] = offset * (1 + (t % D) / 16) + next() * (1 + (t % D));
  return out;
}

function positiveWeights(n: number, seed: number): Float64Array {
  const next = uniform(seed);
  return Float64Array.from({ length: n }, () => 0.25 + 2 * next());
}

describe.each(BACKENDS)("%s: centered covariance at mean 1e8 within 1e-12 of a compensated two-pass", (name) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createRuntime({ backend: name });
  });

  it.each([
    [4096, false],
    [4096, true],
    [100_000, false],
  ])(
    "N = %i, weighted %s: empiricalFisher({ centered }) and the accumulator, in one batch and in pieces",
    (n, weighted) => {
      const scores = shiftedScores(n, n + 1);
      const weights = weighted ? positiveWeights(n, n + 2) : undefined;
      const reference = referenceFisher(scores, D, { weights, centered: true, reduction: "mean" });
      const oneShot = empiricalFisher(scores, D, { centered: true, runtime: rt, ...(weights ? { weights } : {}) });
      expectClose(oneShot.packed, reference, TOLERANCE, "empiricalFisher centered");

      const whole = new FisherAccumulator(D, { runtime: rt });
      whole.add(scores, weights ? { weights } : undefined);
      expectClose(whole.covariance().packed, reference, TOLERANCE, "accumulator, one batch");

      // The zero-copy path: the batch written into WebAssembly memory and folded in place.
      const inPlace = new FisherAccumulator(D, { runtime: rt });
      inPlace.batchBuffer(n).set(scores);
      inPlace.commit(n, weights ? { weights } : undefined);
      expectClose(inPlace.covariance().packed, reference, TOLERANCE, "accumulator, committed in place");
      inPlace.dispose();

      // Uneven pieces (1, 255, 257 and the rest) into separate accumulators, merged pairwise.
      const cuts = [0, 1, 256, 513, Math.floor(n / 2) + 3, n];
      const parts = cuts.slice(1).map((end, k) => {
        const start = cuts[k] as number;
        const part = new FisherAccumulator(D, { runtime: rt });
        const rows = scores.subarray(start * D, end * D);
        part.add(rows, weights ? { weights: weights.subarray(start, end) } : undefined);
        return part;
      });
      const merged = new FisherAccumulator(D, { runtime: rt });
      for (const part of parts.reverse()) merged.merge(part);
      expectClose(merged.covariance().packed, reference, TOLERANCE, "accumulator, merged pieces");
      for (const acc of [whole, merged, ...parts]) acc.dispose();
    },
  );
});
