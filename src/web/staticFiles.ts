/**
 * The page's files from `web/dist/` (built by `npm run web:build`): a path is resolved inside
 * that folder or refused, so `..`, encoded or not, never leaves it.
 */
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

export type StaticResult =
  | { readonly kind: "file"; readonly body: Buffer; readonly contentType: string }
  | { readonly kind: "not_found" }
  | { readonly kind: "bad_path"; readonly reason: string };

/**
 * The file `urlPath` (the URL's path, still percent-encoded) names under `root`; `/` is
 * `index.html`. Never reads outside `root`.
 */
export async function staticFile(root: string, urlPath: string): Promise<StaticResult> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: "bad_path", reason: `path: ${JSON.stringify(urlPath)} is not valid percent-encoding` };
  }
  if (decoded.includes("\0")) return { kind: "bad_path", reason: "path: contains a NUL byte" };
  const rel = decoded.endsWith("/") ? `${decoded}index.html` : decoded;
  const parts = rel.split(/[/\\]/);
  if (parts.includes(".."))
    return { kind: "bad_path", reason: `path: ${JSON.stringify(urlPath)} leaves the page's folder` };
  const full = normalize(join(root, ...parts));
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep))
    return { kind: "bad_path", reason: `path: ${JSON.stringify(urlPath)} leaves the page's folder` };
  try {
    const st = await stat(full);
    if (!st.isFile()) return { kind: "not_found" };
    const body = await readFile(full);
    return {
      kind: "file",
      body,
      contentType: TYPES[extname(full).toLowerCase()] ?? "application/octet-stream",
    };
  } catch {
    return { kind: "not_found" };
  }
}
