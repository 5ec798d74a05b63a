/**
 * Unplug and replug, as a bench engineer does it: `looptwin emulate --link LINK` killed (SIGKILL)
 * and started again on the same link, `cycles` times, while a serial source records it. For each
 * cycle: how long after the device came back (the link points at a new pseudo-terminal) the first
 * sample arrived, and whether the outage was marked as its own gap. Over the run: samples in strict
 * rig-time order, none twice.
 *
 *   npm run reconnect:cycles -- [--cycles 20] [--up 3] [--down 1.5] [--backend node-pty|socat] [--json]
 *
 * The emulator is the real command (`bin/looptwin.js emulate`, built first when dist/ is stale);
 * the tests pass their own command line (tests/rig/reconnect.test.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { pathIdentity } from "../src/rig/hardware/pathWatch.js";
import { SerialSource } from "../src/rig/hardware/serialSource.js";
import type { RigEvent } from "../src/rig/source/rigSource.js";
import { ensureBuilt, REPO_ROOT } from "./ensureBuilt.js";

export interface ReconnectCyclesOptions {
  /** Kill-and-restart cycles. */
  readonly cycles: number;
  /** Wall seconds the device stays up in each cycle. */
  readonly upS: number;
  /** Wall seconds the device stays away. */
  readonly downS: number;
  /** The emulator's command line, `--link PATH` and `--seed N` appended. */
  readonly emulatorCommand: readonly string[];
  /** Extra emulator arguments, e.g. `--backend socat`. */
  readonly emulatorArgs?: readonly string[];
  /** Seed of the emulator (its uid) per cycle; @default the same seed every cycle */
  readonly seedOfCycle?: (cycle: number) => number;
  /** Options of the recording source (e.g. `anyUnit`). */
  readonly anyUnit?: boolean;
}

export interface ReconnectCyclesResult {
  /** Per cycle: wall ms from the device's return to its first sample; null when never seen. */
  readonly backAfterMs: readonly (number | null)[];
  /** Disconnect gaps marked (one per cycle expected). */
  readonly disconnectGaps: number;
  readonly samples: number;
  /** Samples whose rig time was not after the previous one's (recorded twice or out of order). */
  readonly outOfOrder: number;
  /** Link reasons reported while reconnecting, in order. */
  readonly linkReasons: readonly string[];
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

/** The value at quantile `q` (nearest rank) of `xs`; null for no values. */
export function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function startEmulator(command: readonly string[], args: readonly string[]): ChildProcess {
  const [exe, ...rest] = command;
  const child = spawn(exe!, [...rest, ...args], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.resume();
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the link leads to a node other than `old`; returns the wall time it saw it. */
async function linkBack(link: string, old: string | null, timeoutMs: number): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const id = pathIdentity(link);
    if (id !== null && id !== old) return performance.now();
    await sleepMs(2);
  }
  return null;
}

/** Runs the cycles; kills every process it started, whatever happens. */
export async function reconnectCycles(options: ReconnectCyclesOptions): Promise<ReconnectCyclesResult> {
  const dir = mkdtempSync(join(tmpdir(), "looptwin-replug-"));
  const link = join(dir, "ttyLOOP0");
  const seedOf = options.seedOfCycle ?? (() => 1);
  const extra = options.emulatorArgs ?? [];
  const args = (cycle: number): string[] => [
    ...extra,
    "--link",
    link,
    "--seed",
    String(seedOf(cycle)),
    "--quiet",
  ];
  let child = startEmulator(options.emulatorCommand, args(0));
  const source = new SerialSource({ path: link, anyUnit: options.anyUnit ?? false });
  let samples = 0;
  let outOfOrder = 0;
  let lastTS = Number.NEGATIVE_INFINITY;
  let disconnectGaps = 0;
  let firstSampleAt: number | null = null;
  const linkReasons: string[] = [];
  source.subscribe((e: RigEvent) => {
    if (e.kind === "sample") {
      samples++;
      if (!(e.sample.tS > lastTS)) outOfOrder++;
      lastTS = e.sample.tS;
      firstSampleAt ??= performance.now();
    } else if (e.kind === "gap" && e.reason === "disconnect") disconnectGaps++;
    else if (e.kind === "link") linkReasons.push(`${e.state}: ${e.reason}`);
  });
  const backAfterMs: (number | null)[] = [];
  try {
    if ((await linkBack(link, null, 20_000)) === null) throw new Error(`the emulator never made ${link}`);
    await source.open(AbortSignal.timeout(20_000));
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      await sleepMs(options.upS * 1000);
      const old = pathIdentity(link);
      child.kill("SIGKILL");
      await exited(child);
      await sleepMs(options.downS * 1000);
      firstSampleAt = null;
      child = startEmulator(options.emulatorCommand, args(cycle));
      const backAt = await linkBack(link, old, 20_000);
      if (backAt === null) throw new Error(`cycle ${cycle}: the emulator never made ${link} again`);
      // Wait for the first sample for as long as the device stays up in a cycle.
      const t0 = performance.now();
      while (firstSampleAt === null && performance.now() - t0 < options.upS * 1000) await sleepMs(5);
      const seenAt: number | null = firstSampleAt;
      backAfterMs.push(seenAt === null ? null : Math.max(0, seenAt - backAt));
    }
    await sleepMs(options.upS * 1000);
  } finally {
    await source.close();
    child.kill("SIGTERM");
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  }
  const seen = backAfterMs.filter((x): x is number => x !== null);
  return {
    backAfterMs,
    disconnectGaps,
    samples,
    outOfOrder,
    linkReasons,
    p50Ms: quantile(seen, 0.5),
    p95Ms: quantile(seen, 0.95),
    maxMs: seen.length === 0 ? null : Math.max(...seen),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cycles: { type: "string", default: "20" },
      up: { type: "string", default: "3" },
      down: { type: "string", default: "1.5" },
      backend: { type: "string", default: "node-pty" },
      json: { type: "boolean", default: false },
    },
  });
  const num = (name: string, text: string): number => {
    const v = Number(text);
    if (!(v > 0)) throw new Error(`--${name} must be a number > 0 (got '${text}')`);
    return v;
  };
  try {
    ensureBuilt();
  } catch (e) {
    // A tree with a type error elsewhere still emits dist/; the emulator may well be in it.
    if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) throw e;
    process.stderr.write(`reconnect:cycles: the build reported errors; running dist/ as it is\n`);
  }
  const r = await reconnectCycles({
    cycles: Math.round(num("cycles", values.cycles)),
    upS: num("up", values.up),
    downS: num("down", values.down),
    emulatorCommand: [process.execPath, join(REPO_ROOT, "bin", "looptwin.js"), "emulate"],
    emulatorArgs: ["--backend", values.backend],
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const ms = (x: number | null): string => (x === null ? "never" : `${x.toFixed(0)} ms`);
  process.stdout.write(
    `${r.backAfterMs.length} cycles (${values.backend}): first sample after the device's return p50 ${ms(r.p50Ms)}, p95 ${ms(r.p95Ms)}, max ${ms(r.maxMs)}\n` +
      `per cycle: ${r.backAfterMs.map(ms).join(", ")}\n` +
      `${r.disconnectGaps} disconnect gaps marked, ${r.samples} samples, ${r.outOfOrder} out of order or twice\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`reconnect:cycles: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
