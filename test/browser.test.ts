// The demo page (demo/) in real headless Chromium: it must compute, in the browser, the same
// Fisher matrices as Node does with the same code (demo/logistic.ts), on the SIMD build and,
// in an engine that rejects SIMD, on the scalar build. Its threaded work runs in a module Web
// Worker (demo/compute-worker.ts): threads there where the page is cross-origin isolated, one
// thread where not, and the page's main thread free during the worker's calls.
import { mkdirSync, readFileSync } from "node:fs";
import { init } from "fisher-wasm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Analysis, analyse } from "../demo/logistic.js";
import type { DemoResult } from "../demo/published-result.js";
import type { Responsiveness } from "../demo/responsiveness.js";
import { startServer } from "../scripts/serve-demo.js";
import { CHROMIUM_PATH, haveChromium, launchChromium, NO_SIMD_ARGS } from "./helpers/chromium.js";
import { expectClose } from "./helpers/compare.js";

// statsmodels 0.13.5, Logit(GRADE, [GPA, TUCE, PSI, const]).fit(method="newton", tol=1e-12):
// params, bse, and bse with cov_type="HC0".
const STATSMODELS = {
  params: [2.8261125948893215, 0.0951576613179094, 2.3786876550933544, -13.021346858115693],
  bse: [1.262941075629107, 0.14155420567369437, 1.0645642544971352, 4.931324213602806],
  bseHC0: [1.2675459820157904, 0.11792226774939105, 0.9644192096528857, 5.197585410299552],
};
const ARTIFACTS = new URL("./artifacts/", import.meta.url);
const PAGE_TIMEOUT = 60_000;
const present = haveChromium();
const inCi = process.env.CI === "true";

if (!present && !inCi) {
  console.warn(`browser test skipped: ${CHROMIUM_PATH} is missing (install Debian's chromium package to run it).`);
}

// Registered only when it fails, so a machine with Chromium reports no skipped test.
if (!present && inCi) {
  it("Chromium is installed for the browser test", () => {
    expect.fail(`${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install -y chromium).`);
  });
}

describe.skipIf(!present)(
  present ? "demo page in headless Chromium" : `demo page in headless Chromium (skipped: ${CHROMIUM_PATH} is missing)`,
  () => {
    let server: Awaited<ReturnType<typeof startServer>>;
    let reference: Analysis;

    beforeAll(async () => {
      server = await startServer({ port: 0 });
      await init();
      reference = analyse(readFileSync(new URL("../data/spector.csv", import.meta.url), "utf8"));
      mkdirSync(ARTIFACTS, { recursive: true });
    });

    afterAll(async () => {
      await server?.close();
    });

    /** Opens the page, waits for it to finish, saves a screenshot and returns what it published. */
    async function runPage(browser: Browser, query: string, screenshot: string): Promise<DemoResult> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`);
      });
      page.on("response", (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      await page.goto(server.url + query);
      await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state ?? ""), undefined, {
        timeout: PAGE_TIMEOUT,
      });
      await page.screenshot({ path: new URL(screenshot, ARTIFACTS).pathname, fullPage: true });
      const state = await page.evaluate(() => document.body.dataset.state);
      const result = await page.evaluate(() => window.__fisherDemo);
      const error = result?.done === false ? result.error : "";
      expect(state, `the page reported an error: ${error}\n${problems.join("\n")}`).toBe("done");
      expect(problems).toEqual([]);
      if (!result?.done) throw new Error("window.__fisherDemo is missing or not done");
      return result;
    }

    /** The page's matrices and iteration counts against the Node run of the same analysis. */
    function expectSameAnalysis(result: DemoResult, label: string): void {
      expectClose(result.fisher, reference.fisher.packed, 1e-12, `${label}: empirical Fisher`);
      expectClose(result.negHessian, reference.negHessian.packed, 1e-12, `${label}: −H`);
      expectClose(result.information, reference.information.packed, 1e-12, `${label}: Fisher information`);
      expectClose(result.eigenvalues, reference.fisherEigenvalues, 1e-12, `${label}: eigenvalues of F`);
      expectClose(result.beta, reference.beta, 1e-12, `${label}: MLE`);
      expectClose(result.standardErrors, reference.standardErrors, 1e-12, `${label}: SE`);
      expectClose(result.robustStandardErrors, reference.robustStandardErrors, 1e-12, `${label}: robust SE`);
      expect(result.naturalIterations, `${label}: natural-gradient steps`).toBe(reference.natural.iterations);
      expect(result.fisherScoringIterations, `${label}: Fisher-scoring steps`).toBe(reference.scoring.iterations);
      expect(result.gdIterations, `${label}: gradient-descent steps`).toBe(reference.gd.iterations);
      expect(Number.isFinite(result.gflops) && result.gflops > 0, `${label}: GFLOP/s ${result.gflops}`).toBe(true);
    }

    /**
     * The page's main thread ran its timers all through the worker's large call: a call on the
     * main thread (blocking, or spinning while its workers finish) would show no tick during it
     * and one pause as long as the call.
     */
    function expectResponsive(r: Responsiveness, label: string): void {
      const text = `${label}: ${r.ticks} ticks during a ${r.callMs.toFixed(0)} ms call, longest pause ${r.longestPauseMs.toFixed(0)} ms`;
      expect(r.callMs, text).toBeGreaterThan(0);
      expect(r.ticks, text).toBeGreaterThanOrEqual(3);
      expect(r.longestPauseMs, text).toBeLessThan(r.callMs / 2);
    }

    it("the shared analysis matches statsmodels, and every optimiser converges", () => {
      expectClose(reference.beta, STATSMODELS.params, 1e-9, "MLE against statsmodels");
      expectClose(reference.standardErrors, STATSMODELS.bse, 1e-9, "SE against statsmodels");
      expectClose(reference.robustStandardErrors, STATSMODELS.bseHC0, 1e-9, "HC0 SE against statsmodels");
      expectClose(reference.information.packed, reference.negHessian.packed, 1e-13, "I = −H");
      expect(reference.scoring.iterations).not.toBeNull();
      expect(reference.natural.iterations).not.toBeNull();
      expect(reference.gd.iterations).not.toBeNull();
    });

    it("runs on the fastest build (relaxed SIMD in Chromium) and matches Node to 1e-12", async () => {
      const browser = await launchChromium();
      try {
        const result = await runPage(browser, "", "demo.png");
        expect(result.simdInEngine).toBe(true);
        // Chromium ships relaxed SIMD, so the fastest build is the fused multiply-add one.
        expect(result.backend).toBe("wasm-relaxed-simd");
        expectSameAnalysis(result, "default page");
      } finally {
        await browser.close();
      }
    });

    it("cross-origin isolated (the server's COOP/COEP): threads, the same bits as one thread", async () => {
      const browser = await launchChromium();
      try {
        const result = await runPage(browser, "", "demo-threads.png");
        expect(result.hardwareThreads).toBeGreaterThan(0);
        expect(result.threads).toBe(result.hardwareThreads);
        if (result.hardwareThreads > 1) expect(result.threadsNote).toMatch(/threads: one per hardware thread/);
        expect(result.sameBitsAsOneThread).toBe(true);
        expectResponsive(result.responsiveness, "isolated page");
        expectSameAnalysis(result, "isolated page");
      } finally {
        await browser.close();
      }
    });

    it("?threads=2, isolated: the library in the page's Web Worker runs 2 threads, the same bits as one thread, the page stays free", async () => {
      const browser = await launchChromium();
      try {
        const result = await runPage(browser, "?threads=2", "demo-worker-2-threads.png");
        expect(result.threads).toBe(2);
        expect(result.threadsNote).toBe("2 threads: asked for");
        expect(result.sameBitsAsOneThread).toBe(true);
        expectResponsive(result.responsiveness, "2 threads in the worker");
      } finally {
        await browser.close();
      }
    });

    it("?isolated=0 (no COOP/COEP): one thread in the worker, and the runtime says why", async () => {
      const browser = await launchChromium();
      try {
        const result = await runPage(browser, "?isolated=0&threads=2", "demo-one-thread.png");
        expect(result.threads).toBe(1);
        expect(result.threadsNote).toMatch(/^1 thread: .*cross-origin isolated/);
        expect(result.sameBitsAsOneThread).toBe(true);
        expectResponsive(result.responsiveness, "page without isolation");
        expectSameAnalysis(result, "page without isolation");
      } finally {
        await browser.close();
      }
    });

    it("?nosimd in a Chromium whose V8 rejects SIMD (--no-enable-sse4-1) runs on wasm-scalar, same matrices", async () => {
      const browser = await launchChromium(NO_SIMD_ARGS);
      try {
        const result = await runPage(browser, "?nosimd", "demo-nosimd.png");
        // The engine, not the page, refused SIMD; init() then chose the scalar build by itself.
        expect(result.simdInEngine).toBe(false);
        expect(result.simdDisabledBy).toBe("engine");
        expect(result.backend).toBe("wasm-scalar");
        expectSameAnalysis(result, "wasm-scalar page");
      } finally {
        await browser.close();
      }
    });
  },
);
