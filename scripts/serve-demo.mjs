// A tiny static server for the browser demo: serves only the repository's demo/, dist/,
// data/ and tools/ folders, on 127.0.0.1. The page needs HTTP (not file://) because browsers refuse ES
// module imports and fetch() from file URLs.
//
//   node scripts/serve-demo.mjs          # a random free port
//   PORT=8080 node scripts/serve-demo.mjs
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FOLDERS = ["demo", "dist", "data", "tools"];

const MIME = {
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

/** Whether `path` is one of the served folders or inside one (after symlinks are resolved). */
function isServed(root, path) {
  return FOLDERS.some((folder) => {
    const base = join(root, folder);
    return path === base || path.startsWith(base + sep);
  });
}

/** The file to send for a URL path, or null: directories give their index.html. */
async function locate(root, urlPath) {
  let decoded;
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

function send(response, status, text, headers = {}) {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  response.end(text);
}

async function handle(root, request, response) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    send(response, 405, "Method not allowed\n", { allow: "GET, HEAD" });
    return;
  }
  const { pathname } = new URL(request.url ?? "/", "http://localhost");
  if (pathname === "/" || pathname === "/demo") {
    send(response, 302, "See /demo/\n", { location: "/demo/" });
    return;
  }
  const file = await locate(root, pathname);
  if (!file) {
    send(response, 404, "Not found\n");
    return;
  }
  response.writeHead(200, {
    "content-type": MIME[extname(file.path).toLowerCase()] ?? "application/octet-stream",
    "content-length": file.size,
    // A rebuilt dist/ must show on reload.
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
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
 * Starts the server on 127.0.0.1. Port 0 (the default) picks a free one.
 * @param {{ port?: number, root?: string }} [options] root: the repository root (default: this script's parent)
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>} url: the demo page
 */
export async function startServer({ port = 0, root = ROOT } = {}) {
  const base = await realpath(root);
  const server = createServer((request, response) => {
    handle(base, request, response).catch(() => {
      if (!response.headersSent) send(response, 500, "Internal error\n");
      else response.destroy();
    });
  });
  await new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolveListen(undefined));
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}/demo/`,
    port: actual,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose(undefined));
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-demo: PORT must be an integer from 0 to 65535; received ${process.env.PORT}`);
    process.exit(1);
  }
  const { url } = await startServer({ port });
  console.log(`fisher-wasm demo: ${url}  (Ctrl+C to stop)`);
}
