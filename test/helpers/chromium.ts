// Debian's Chromium, driven by playwright-core: `npx playwright install` cannot download
// browsers everywhere, while `apt-get install chromium` can.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

/**
 * V8 requires SSE4.1 for WebAssembly SIMD; with it turned off, the engine itself rejects every
 * module that uses SIMD ("Wasm SIMD unsupported"), as on a CPU without it. V8 no longer has a
 * flag that turns off the SIMD proposal alone.
 */
export const NO_SIMD_ARGS = ["--js-flags=--no-enable-sse4-1"];

export function haveChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...ARGS, ...extraArgs] });
}
