/**
 * Real-time emulation that idles (issue 16 section 3): `looptwin emulate` at speed 1 with a host
 * connected (looptwin's own serial source: handshake, PING every 500 ms, the device's default
 * telemetry rate), CPU of the emulator's processes over a window after a warm-up, as a percentage
 * of one core (utime + stime from /proc):
 * - `emulate_cpu_percent_1x`: the TypeScript device (target <= 2);
 * - `emulate_fil_cpu_percent_1x`: the firmware in simavr, node and the harness together
 *   (target <= 10); left out, with the reason printed, when `npm run fil:build` has not run.
 * The window is 30 s (EMULATE_BENCH_S to change it) after 5 s of warm-up. The bench builds dist/
 * first when it is missing or older than src/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, REPO_ROOT } from "../scripts/ensureBuilt.js";
import { defaultLooptwinCommand } from "../src/hil/targets/ptyTarget.js";
import { SerialSource } from "../src/rig/hardware/serialSource.js";
import type { BenchFigure, BenchFile } from "./run.js";

const ELF = join(REPO_ROOT, "firmware", "build", "uno", "looptwin.elf");
const HARNESS = join(REPO_ROOT, "firmware", "sim", "build", "looptwin-sim");

/** CPU seconds (user + system) of a process and all its descendants still running. */
function treeCpuS(pid: number): number {
  let total = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    total += (Number(fields[11]) + Number(fields[12])) / 100;
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean))
      total += treeCpuS(Number(task));
  } catch {
    // The process has exited.
  }
  return total;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `path` exists (the emulator made its link), or throws naming what it printed. */
async function waitForLink(path: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (existsSync(path)) return;
    if (child.exitCode !== null) throw new Error(`emulate exited (${child.exitCode}): ${output()}`);
    await sleep(100);
  }
  throw new Error(`no link at ${path} after 30 s: ${output()}`);
}

/** CPU percentage of one core used by `looptwin emulate ...extra` at speed 1 with a host connected. */
async function emulateCpuPercent(extra: readonly string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "looptwin-emulate-bench-"));
  const link = join(dir, "ttyLOOP0");
  // The binary as a user's `looptwin` runs it: the options of its #! line included.
  const [node, ...looptwin] = defaultLooptwinCommand();
  const child = spawn(
    node as string,
    [...looptwin, "emulate", "--link", link, "--speed", "1", "--quiet", ...extra],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output = (output + d).slice(-2000)));
  child.stderr?.on("data", (d) => (output = (output + d).slice(-2000)));
  const source = new SerialSource({ path: link });
  let samples = 0;
  source.subscribe((e) => {
    if (e.kind === "sample") samples++;
  });
  try {
    await waitForLink(link, child, () => output);
    await source.open();
    await sleep(5000);
    const windowS = Number(process.env.EMULATE_BENCH_S ?? 30);
    const pid = child.pid as number;
    const c0 = treeCpuS(pid);
    const n0 = samples;
    const t0 = performance.now();
    await sleep(windowS * 1000);
    const wallS = (performance.now() - t0) / 1000;
    const cpuS = treeCpuS(pid) - c0;
    if (samples - n0 < windowS) throw new Error(`the host received ${samples - n0} samples in ${windowS} s`);
    if (source.stats().state !== "CONNECTED")
      throw new Error(`the host lost the device: ${source.stats().state}`);
    return (100 * cpuS) / wallS;
  } finally {
    await source.close();
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: BenchFile = {
  name: "emulateIdle",
  async run() {
    ensureBuilt();
    const figures: Record<string, BenchFigure> = {
      emulate_cpu_percent_1x: {
        value: await emulateCpuPercent([]),
        unit: "% of a core",
        target: { op: "<=", value: 2 },
      },
    };
    if (!existsSync(ELF) || !existsSync(HARNESS)) {
      process.stderr.write(
        `emulate_fil_cpu_percent_1x left out: no ${ELF} or ${HARNESS} (npm run fil:build)\n`,
      );
      return figures;
    }
    figures.emulate_fil_cpu_percent_1x = {
      value: await emulateCpuPercent(["--firmware", ELF]),
      unit: "% of a core",
      target: { op: "<=", value: 10 },
    };
    return figures;
  },
};

export default bench;
