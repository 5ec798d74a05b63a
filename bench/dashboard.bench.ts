/**
 * Dashboard cost over a slow link (issue 7 section 5): `looptwin dashboard --emulate --rate 50`
 * runs in a real pseudo-terminal (node-pty) of 120x40; after a warm-up, the bench measures
 * - `dashboard_cpu_percent`: CPU time of the dashboard process (utime + stime from /proc, the
 *   in-process emulator included) over the window, as a percentage of one core (issue 16: <= 3;
 *   issue 7 asked <= 10);
 * - `dashboard_bytes_per_s`: bytes the dashboard wrote to the terminal in the same window
 *   (issue 16: <= 10,000; issue 7 asked <= 30,000).
 *
 * The issue asks for 60 s of telemetry; to keep `npm run bench` short the window is 20 s after a
 * 10 s warm-up (start-up, JIT, the first full frame) unless DASHBOARD_BENCH_S says otherwise
 * (`DASHBOARD_BENCH_S=60 npm run bench -- --only dashboard` for the full minute). The bench
 * builds dist/ first when it is missing or older than src/.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../scripts/ensureBuilt.js";
import { defaultLooptwinCommand } from "../src/hil/targets/ptyTarget.js";
import { cpuSeconds } from "./processCpu.js";
import type { BenchFile } from "./run.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const bench: BenchFile = {
  name: "dashboard",
  async run() {
    ensureBuilt();
    const pty = await import("node-pty");
    const windowS = Number(process.env.DASHBOARD_BENCH_S ?? 20);
    const warmupS = 10;
    // The binary as a user's `looptwin` runs it: the options of its #! line included.
    const [node, ...looptwin] = defaultLooptwinCommand();
    const child = pty.spawn(node as string, [...looptwin, "dashboard", "--emulate", "--rate", "50"], {
      name: "xterm-256color",
      cols: 120,
      rows: 40,
      cwd: root,
      // Colour on (the costlier case): NO_COLOR removed from the child's environment.
      env: Object.fromEntries(
        Object.entries({ ...process.env, TERM: "xterm-256color" }).filter(([k]) => k !== "NO_COLOR"),
      ),
    });
    let bytes = 0;
    let exited = false;
    let screen = "";
    child.onData((d) => {
      bytes += Buffer.byteLength(d, "utf8");
      screen = (screen + d).slice(-4000);
    });
    child.onExit(() => {
      exited = true;
    });
    try {
      await sleep(warmupS * 1000);
      if (exited) throw new Error(`the dashboard exited during the warm-up: ${screen.slice(-300)}`);
      const b0 = bytes;
      const c0 = cpuSeconds(child.pid);
      const t0 = performance.now();
      await sleep(windowS * 1000);
      const dt = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(child.pid) - c0;
      const written = bytes - b0;
      return {
        dashboard_cpu_percent: {
          value: (100 * cpu) / dt,
          unit: "% of a core",
          target: { op: "<=", value: 3 },
        },
        dashboard_bytes_per_s: { value: written / dt, unit: "bytes/s", target: { op: "<=", value: 10_000 } },
      };
    } finally {
      if (!exited) {
        child.write("q");
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) child.kill();
      }
    }
  },
};

export default bench;
