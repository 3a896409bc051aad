// A tiny static server for the browser demo: serves only the repository's demo/ (the pages),
// build/demo/ (their scripts, bundled with the library by `npm run build`) and data/ folders, on
// 127.0.0.1, plus what the digits page (demo/mnist.html) loads from elsewhere: TensorFlow.js's
// browser module and a subset of the fixed MNIST split, made on first request. The page needs HTTP (not file://) because browsers refuse ES module imports and
// fetch() from file URLs.
//
//   tsx scripts/serve-demo.ts          # a random free port
//   PORT=8080 tsx scripts/serve-demo.ts
import { createReadStream, existsSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { encodeDigits } from "../tools/mnist/digits.js";
import { mnistSubset } from "../tools/mnist/split.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FOLDERS = ["demo", join("build", "demo"), "data"];
/** The page's script, which index.html loads as ../build/demo/main.mjs. */
const BUNDLE = join("build", "demo", "main.mjs");

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".cjs": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
};

/** The digits page's share of the split: the first training and test digits of it. */
export const DEMO_DIGITS = { train: 2000, test: 500 };

const TFJS_MODULE = createRequire(import.meta.url).resolve("@tensorflow/tfjs/dist/tf.fesm.min.js");

let digitFiles: Promise<{ train: Uint8Array; test: Uint8Array }> | undefined;

/** The subset in the byte form of tools/mnist/digits.ts, made once (reading the package takes a second). */
function digits(): Promise<{ train: Uint8Array; test: Uint8Array }> {
  digitFiles ??= Promise.resolve().then(() => {
    const { train, test } = mnistSubset(DEMO_DIGITS.train, DEMO_DIGITS.test);
    return { train: encodeDigits(train), test: encodeDigits(test) };
  });
  return digitFiles;
}

/** URL paths served from outside the folders, and how to make each. */
const GENERATED: Record<string, { type: string; body: () => Promise<Uint8Array> }> = {
  "/demo/vendor/tfjs.mjs": { type: MIME[".mjs"], body: () => readFile(TFJS_MODULE) },
  "/demo/mnist-train.bin": { type: "application/octet-stream", body: async () => (await digits()).train },
  "/demo/mnist-test.bin": { type: "application/octet-stream", body: async () => (await digits()).test },
};

export interface DemoServer {
  /** The demo page. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Whether `path` is one of the served folders or inside one (after symlinks are resolved). */
function isServed(root: string, path: string): boolean {
  return FOLDERS.some((folder) => {
    const base = join(root, folder);
    return path === base || path.startsWith(base + sep);
  });
}

/** The file to send for a URL path, or null: directories give their index.html. */
async function locate(root: string, urlPath: string): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  // resolve() collapses "..", so a path that climbs out of the folders fails isServed().
  let path = resolve(root, `.${decoded}`);
  if (!isServed(root, path)) return null;
  try {
    path = await realpath(path);
    if (!isServed(root, path)) return null;
    let info = await stat(path);
    if (info.isDirectory()) {
      path = join(path, "index.html");
      info = await stat(path);
    }
    return info.isFile() ? { path, size: info.size } : null;
  } catch {
    return null;
  }
}

function send(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  response.end(text);
}

async function handle(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    send(response, 405, "Method not allowed\n", { allow: "GET, HEAD" });
    return;
  }
  const { pathname } = new URL(request.url ?? "/", "http://localhost");
  if (pathname === "/" || pathname === "/demo") {
    send(response, 302, "See /demo/\n", { location: "/demo/" });
    return;
  }
  const generated = GENERATED[pathname];
  if (generated) {
    const body = await generated.body();
    response.writeHead(200, {
      "content-type": generated.type,
      "content-length": body.length,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    response.end(request.method === "HEAD" ? undefined : body);
    return;
  }
  const file = await locate(root, pathname);
  // Cross-origin isolation (shared memory, so the library's threads) unless ?isolated=0 asks
  // for a page without it, where the library falls back to one thread.
  const isolated = new URL(request.url ?? "/", "http://localhost").searchParams.get("isolated") !== "0";
  if (!file) {
    send(response, 404, "Not found\n");
    return;
  }
  response.writeHead(200, {
    "content-type": MIME[extname(file.path).toLowerCase()] ?? "application/octet-stream",
    "content-length": file.size,
    // A rebuilt bundle must show on reload.
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(isolated
      ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
      : {}),
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  createReadStream(file.path)
    .on("error", () => response.destroy())
    .pipe(response);
}

/**
 * Starts the server on 127.0.0.1; port 0 (the default) picks a free one. `root` is the
 * repository's root (default: this script's parent). Throws when the page's script has
 * not been built, rather than serve a page that never loads.
 */
export async function startServer({
  port = 0,
  root = ROOT,
}: {
  port?: number;
  root?: string;
} = {}): Promise<DemoServer> {
  const base = await realpath(root);
  if (!existsSync(join(base, BUNDLE))) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first`);
  const server = createServer((request, response) => {
    handle(base, request, response).catch(() => {
      if (!response.headersSent) send(response, 500, "Internal error\n");
      else response.destroy();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolveListen());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}/demo/`,
    port: actual,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-demo: PORT must be an integer from 0 to 65535; received ${process.env.PORT}`);
    process.exit(1);
  }
  try {
    const { url } = await startServer({ port });
    console.log(`fisher-wasm demo: ${url}  (Ctrl+C to stop)`);
  } catch (err) {
    console.error(`serve-demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
