/**
 * The web dashboard's costs (issue 13 section 7). Each figure is one measuring function below;
 * add a figure by adding a function to {@link MEASURES}.
 *
 * - `serve_cpu_percent`: `looptwin serve --emulate --rate 50` (the built binary, its own process)
 *   with 20 WebSocket viewers connected from this process; CPU time of the server process (utime +
 *   stime from /proc, the in-process emulator and monitor included) over the window, as a
 *   percentage of one core (target <= 15);
 * - `web_bytes_per_viewer_s`: WebSocket payload bytes one viewer receives per second in the same
 *   window, averaged over the 20 (target <= 20,000).
 *
 * The window is 20 s after a 5 s warm-up unless WEB_BENCH_S says otherwise. The bench builds
 * dist/ first when it is missing or older than src/.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { ensureBuilt } from "../scripts/ensureBuilt.js";
import { defaultLooptwinCommand } from "../src/hil/targets/ptyTarget.js";
import { cpuSeconds } from "./processCpu.js";
import type { BenchFigure, BenchFile } from "./run.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const VIEWERS = 20;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function serveFigures(): Promise<Record<string, BenchFigure>> {
  ensureBuilt();
  const windowS = Number(process.env.WEB_BENCH_S ?? 20);
  // The binary as a user's `looptwin` runs it: the options of its #! line included.
  const [node, ...looptwin] = defaultLooptwinCommand();
  const child = spawn(
    node as string,
    [...looptwin, "serve", "--emulate", "--rate", "50", "--listen", "127.0.0.1:0"],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`serve exited (${code}) before printing its URL`)));
    });
    const url = first.replace(/^looptwin serve: /, "").replace(/^http/, "ws");
    const received = new Array<number>(VIEWERS).fill(0);
    const sockets: WebSocket[] = [];
    for (let i = 0; i < VIEWERS; i++) {
      const ws = new WebSocket(`${url}ws`);
      ws.on("message", (data: Buffer) => {
        received[i]! += data.length;
      });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      sockets.push(ws);
    }
    await sleep(5000);
    const cpu0 = cpuSeconds(child.pid!);
    const bytes0 = received.reduce((a, b) => a + b, 0);
    const t0 = performance.now();
    await sleep(windowS * 1000);
    const wallS = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(child.pid!) - cpu0;
    const bytes = received.reduce((a, b) => a + b, 0) - bytes0;
    for (const ws of sockets) ws.close();
    return {
      serve_cpu_percent: {
        value: (100 * cpu) / wallS,
        unit: "% of a core",
        target: { op: "<=", value: 15 },
      },
      web_bytes_per_viewer_s: {
        value: bytes / VIEWERS / wallS,
        unit: "B/s",
        target: { op: "<=", value: 20_000 },
      },
    };
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
}

/** Every figure of this file, in order (B adds the page's: web_sim_speedup, web_bundle_kb_gz). */
const MEASURES: readonly (() => Promise<Record<string, BenchFigure>>)[] = [serveFigures];

const bench: BenchFile = {
  name: "web",
  async run() {
    const figures: Record<string, BenchFigure> = {};
    for (const m of MEASURES) Object.assign(figures, await m());
    return figures;
  },
};

export default bench;
