// The README's browser example (the library in a module Web Worker, the page posting it scores)
// run as written in headless Chromium against the built bundle, on a page served with and without
// the COOP/COEP headers; and what a threaded runtime on the page's main thread says of itself.
// test/readme.test.ts runs the ```js examples in Node; these two blocks (```html, ```js worker)
// are the browser-only ones.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, haveChromium, launchChromium } from "./helpers/chromium.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const block = (fence: string, containing: string): string => {
  const found = [...readme.matchAll(new RegExp(`\`\`\`${fence}\\n([\\s\\S]*?)\`\`\``, "g"))]
    .map((m) => m[1] as string)
    .filter((code) => code.includes(containing));
  if (found.length !== 1) throw new Error(`README.md: expected one \`\`\`${fence} block with ${containing}`);
  return found[0] as string;
};
const PAGE = block("html", "fisher-worker.js");
const WORKER = block("js worker", "fisher-worker.js");
const BUNDLE = readFileSync(new URL("../dist/index.mjs", import.meta.url), "utf8");
const ISOLATION = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
const present = haveChromium();

/**
 * Serves the example under /isolated/ (every response with COOP/COEP) and /plain/ (none): the
 * page at index.html, the worker beside it, the bundle where the worker imports it from.
 */
function serve(): Promise<Server> {
  const files: Record<string, { type: string; body: string }> = {
    "index.html": {
      type: "text/html",
      body: `<!doctype html>\n<meta charset="utf-8" />\n<link rel="icon" href="data:," />\n<body>\n${PAGE}</body>\n`,
    },
    "fisher-worker.js": { type: "text/javascript", body: WORKER },
    "node_modules/fisher-wasm/dist/index.mjs": { type: "text/javascript", body: BUNDLE },
  };
  const server = createServer((request, response) => {
    const [, mode, ...rest] = new URL(request.url ?? "/", "http://localhost").pathname.split("/");
    const file = files[rest.join("/")];
    if (!file || (mode !== "isolated" && mode !== "plain")) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": file.type, ...(mode === "isolated" ? ISOLATION : {}) });
    response.end(file.body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe.skipIf(!present)(
  present
    ? "README's Web Worker example in headless Chromium"
    : `README's Web Worker example (skipped: ${CHROMIUM_PATH} is missing)`,
  () => {
    let server: Server;
    let browser: Browser;
    let origin: string;

    beforeAll(async () => {
      server = await serve();
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    /** Opens the example page and returns the text it shows once the worker has answered. */
    async function open(mode: "isolated" | "plain"): Promise<{ page: Page; text: string }> {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`);
      });
      await page.goto(`${origin}/${mode}/index.html`);
      // The page replaces its body (script included) with the worker's answer.
      await page.waitForFunction(() => document.querySelector("script") === null, undefined, { timeout: 30_000 });
      expect(problems).toEqual([]);
      return { page, text: (await page.textContent("body")) ?? "" };
    }

    it("isolated: the library in the worker starts its threads there and computes the Fisher", async () => {
      const { page, text } = await open("isolated");
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      // trace(F) = mean over the 2 rows of |s|² = ((1 + 4 + 9) + (16 + 25 + 36)) / 2; no word of spinning in a worker.
      expect(text).toBe(
        cores > 1
          ? `${cores} threads: one per hardware thread: trace 45.5`
          : "1 thread: one hardware thread: trace 45.5",
      );
      await page.close();
    });

    it("not isolated: the worker runs one thread and says why", async () => {
      const { page, text } = await open("plain");
      expect(text).toMatch(/^1 thread: .*not cross-origin isolated.*: trace 45.5$/);
      await page.close();
    });

    it("on an isolated page's main thread a threaded runtime says it spins, and computes the same", async () => {
      const page = await browser.newPage();
      await page.goto(`${origin}/isolated/index.html`);
      // A string, so that the test's own module transform leaves the page's import() alone.
      const main = await page.evaluate(`(async () => {
        const lib = await import("./node_modules/fisher-wasm/dist/index.mjs");
        const runtime = await lib.createRuntime({ threads: 2 });
        const F = lib.empiricalFisher(new Float64Array([1, 2, 3, 4, 5, 6]), 3, { runtime });
        return { threads: runtime.threads, note: runtime.threadsNote, trace: F.trace() };
      })()`);
      expect(main).toEqual({
        threads: 2,
        note: "2 threads: asked for; this thread cannot block, so it spins while the workers finish (run the library in a Web Worker)",
        trace: 45.5,
      });
      await page.close();
    });
  },
);
