// The demo page's threaded work, in a dedicated module worker. A browser's main thread may not
// block, so a threaded runtime there spins while its workers finish and the page freezes for the
// length of each call; in a worker the calling thread waits in Atomics.wait, and the page stays
// free to paint and to handle input. The page posts requests (worker-protocol.ts) and draws the
// replies. fisher-wasm is bundled into this script as into the page's.
import { createRuntime, defaultRuntime, empiricalFisher, init, threads } from "fisher-wasm";
import { fisherFlops, measureGflops } from "../tools/gflops.js";
import { randomScores } from "../tools/random-scores.js";
import {
  epochNow,
  type WorkerEnvelope,
  type WorkerReplies,
  type WorkerReply,
  type WorkerRequest,
} from "./worker-protocol.js";

async function start(request: Extract<WorkerRequest, { kind: "start" }>): Promise<WorkerReplies["start"]> {
  const backend = await init({
    ...(request.backend === undefined ? {} : { backend: request.backend }),
    ...(request.threads === undefined ? {} : { threads: request.threads }),
  });
  return {
    backend,
    threads: threads(),
    threadsNote: defaultRuntime().threadsNote,
    hardwareThreads: navigator.hardwareConcurrency,
  };
}

async function large({ rows, dim, seed }: Extract<WorkerRequest, { kind: "large" }>): Promise<WorkerReplies["large"]> {
  const scores = randomScores(rows, dim, seed);
  const startedAt = epochNow();
  const shared = empiricalFisher(scores, dim).packed;
  const finishedAt = epochNow();
  const one = await createRuntime({ backend: defaultRuntime().name, threads: 1 });
  const single = empiricalFisher(scores, dim, { runtime: one }).packed;
  return { startedAt, finishedAt, sameBitsAsOneThread: shared.every((x, i) => Object.is(x, single[i])) };
}

function speed({ rows, dim, seed, seconds }: Extract<WorkerRequest, { kind: "speed" }>): WorkerReplies["speed"] {
  const scores = randomScores(rows, dim, seed);
  return measureGflops(() => empiricalFisher(scores, dim), fisherFlops(rows, dim), seconds);
}

function answer(request: WorkerRequest): Promise<unknown> | unknown {
  switch (request.kind) {
    case "start":
      return start(request);
    case "large":
      return large(request);
    case "speed":
      return speed(request);
  }
}

// One request at a time, in the order posted, so a reply never overtakes an earlier one.
let queue: Promise<void> = Promise.resolve();
addEventListener("message", (event: MessageEvent<WorkerEnvelope>) => {
  const { id } = event.data;
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = { id, ok: true, value: await answer(event.data) };
    } catch (error) {
      reply = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    postMessage(reply);
  });
});
