// The seeded generator lives in the library (src/base/seeded-random.ts), where the Hutchinson
// estimators draw their probes; tools, tests and benchmarks import it from here.
export { mulberry32 } from "../src/base/seeded-random.js";
