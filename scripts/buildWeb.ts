/**
 * `npm run web:build`: the page (web/) bundled to web/dist/ with esbuild: one minified classic
 * script (an IIFE, target es2020, so `web/dist/index.html` works opened from disk, where browsers
 * refuse ES modules), one stylesheet (the page's and uPlot's), and index.html. Nothing is loaded
 * from any network. `--watch` rebuilds on change.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const out = join(web, "dist");

/** Builds web/dist; returns the bytes of the script and the stylesheet. */
export async function buildWeb(): Promise<{ jsBytes: number; cssBytes: number }> {
  mkdirSync(out, { recursive: true });
  const js = await esbuild.build({
    entryPoints: [join(web, "src", "main.ts")],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    platform: "browser",
    outfile: join(out, "app.js"),
    tsconfig: join(web, "tsconfig.json"),
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const nodeImports = Object.keys(js.metafile.inputs).filter((p) => p.startsWith("node:"));
  if (nodeImports.length > 0) throw new Error(`web bundle imports Node modules: ${nodeImports.join(", ")}`);
  const uplotCss = readFileSync(join(root, "node_modules", "uplot", "dist", "uPlot.min.css"), "utf8");
  const pageCss = readFileSync(join(web, "src", "style.css"), "utf8");
  const css = await esbuild.transform(`${uplotCss}\n${pageCss}`, {
    loader: "css",
    minify: true,
    target: "chrome90",
  });
  writeFileSync(join(out, "app.css"), css.code);
  copyFileSync(join(web, "index.html"), join(out, "index.html"));
  const jsBytes = readFileSync(join(out, "app.js")).length;
  return { jsBytes, cssBytes: css.code.length };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { jsBytes, cssBytes } = await buildWeb();
  process.stdout.write(
    `web/dist: app.js ${(jsBytes / 1024).toFixed(1)} kB, app.css ${(cssBytes / 1024).toFixed(1)} kB\n`,
  );
}
