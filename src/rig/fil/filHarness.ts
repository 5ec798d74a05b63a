/**
 * The firmware-in-the-loop harness process (`firmware/sim/build/looptwin-sim`, built by `npm run
 * fil:build`): the real firmware ELF on a simulated ATmega328P (simavr), driven over the line
 * protocol of `firmware/sim/README.md` on its stdin/stdout. This file is only that process edge:
 * start it, run device time in steps with the plant's inputs, pass bytes to UART0, reset it, and
 * read what the firmware drove. {@link FilDevice} puts a plant around it.
 *
 * Every wait has a timeout and an AbortSignal; a harness that exits or says `ERR` fails the
 * pending step with an {@link OperationalError} carrying the tail of its stderr.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { ConfigError, OperationalError } from "../../core/errors.js";
import type { ResetCause } from "../../protocol/messages.js";

/** Version of the harness line protocol this side speaks (`READY <version> ...`). */
export const FIL_PROTOCOL_VERSION = 1;

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Where `npm run fil:build` puts the harness and `npm run firmware:build` the firmware. */
/** The harness's stderr on one line (libelf and simavr write several): lines joined with "; ". */
function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("; ");
}

export const FIL_DEFAULT_PATHS = {
  harness: join(packageRoot, "firmware", "sim", "build", "looptwin-sim"),
  elf: join(packageRoot, "firmware", "build", "uno", "looptwin.elf"),
} as const;

export interface FilHarnessOptions {
  /** Firmware ELF to run. @default FIL_DEFAULT_PATHS.elf */
  readonly elfPath?: string;
  /** Harness binary. @default FIL_DEFAULT_PATHS.harness */
  readonly harnessPath?: string;
  /**
   * Unit id stored in the simulated EEPROM before power-up (8 hex digits): a board that has
   * booted before. Undefined: erased EEPROM, the firmware draws and stores a uid at its first boot.
   */
  readonly uid?: string;
  /** UART0 line rate: host bytes reach the MCU one per 10 bit times. @default 115200 */
  readonly baudRate?: number;
  /** Longest wait for the harness to load the firmware [wall ms]. @default 10000 */
  readonly startTimeoutMs?: number;
  /** Longest wait for one step [wall ms]. @default 60000 */
  readonly stepTimeoutMs?: number;
  /** Aborting kills the harness; pending steps reject. */
  readonly signal?: AbortSignal;
}

/** A reset the harness saw: requested, or made by the firmware's own watchdog. */
export interface FilReset {
  /** Device time of the reset [us since the harness started]. */
  readonly atUs: number;
  readonly cause: ResetCause | "UNKNOWN";
}

/** What the firmware did during one step. */
export interface FilStepResult {
  /** Device time at the end of the step [us since the harness started]. */
  endUs: number;
  /** Bytes the firmware sent on UART0 TX during the step (empty when none). */
  uartOut: Buffer;
  /** Resets during the step (and any requested since the previous step). */
  resets: FilReset[];
  /** Pump (D9, OC1A) and fan (D10, OC1B) duty Timer1 drives at the end of the step, 0-255 (fractional). */
  pumpDuty: number;
  fanDuty: number;
  /** Time the heater SSR pin (D7) was on during the step [us]. */
  heaterOnUs: number;
  /** Whether the heater pin is on at the end of the step. */
  heaterOn: boolean;
}

const RESET_CAUSES_SEEN = new Set(["POWERON", "EXTERNAL", "BROWNOUT", "WDT"]);

interface PendingStep {
  readonly resolve: (r: FilStepResult) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export class FilHarness {
  readonly elfPath: string;
  readonly harnessPath: string;
  /** `READY` fields: MCU name and clock [Hz]. */
  readonly mcu: string;
  readonly clockHz: number;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly stepTimeoutMs: number;
  private stderrTail = "";
  private partial = "";
  private out: Buffer[] = [];
  private resets: FilReset[] = [];
  private pending: PendingStep | null = null;
  private failure: OperationalError | null = null;
  private readonly exited: Promise<void>;
  private readonly onAbort: () => void;
  private readonly signal: AbortSignal | undefined;

  private constructor(
    child: ChildProcessByStdio<Writable, Readable, Readable>,
    options: FilHarnessOptions,
    ready: { mcu: string; clockHz: number },
    paths: { elf: string; harness: string },
    state: { partial: string; stderr: string },
  ) {
    this.child = child;
    this.elfPath = paths.elf;
    this.harnessPath = paths.harness;
    this.mcu = ready.mcu;
    this.clockHz = ready.clockHz;
    this.stepTimeoutMs = options.stepTimeoutMs ?? 60_000;
    this.partial = state.partial;
    this.stderrTail = state.stderr;
    this.signal = options.signal;
    child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("latin1")).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, sig) => {
        this.fail(`the harness exited (${sig ?? code})`);
        resolve();
      });
    });
    child.stdin.on("error", () => {
      // EPIPE after the harness died: the exit handler reports it.
    });
    this.onAbort = () => {
      this.fail("aborted");
      child.kill("SIGKILL");
    };
    options.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /**
   * Starts the harness on the firmware and waits for it to be ready (the MCU is at its power-on
   * reset, device time 0). Throws a ConfigError when the harness or the ELF is missing.
   */
  static async start(options: FilHarnessOptions = {}): Promise<FilHarness> {
    const harness = options.harnessPath ?? FIL_DEFAULT_PATHS.harness;
    const elf = options.elfPath ?? FIL_DEFAULT_PATHS.elf;
    if (!existsSync(harness))
      throw new ConfigError(
        "harness",
        harness,
        "not built: run `npm run fil:build` (needs simavr, see firmware/sim)",
      );
    if (!existsSync(elf))
      throw new ConfigError("--firmware", elf, "no such firmware ELF (build it with `npm run fil:build`)");
    if (options.uid !== undefined && !/^[0-9A-Fa-f]{8}$/.test(options.uid))
      throw new ConfigError("uid", options.uid, "must be 8 hex digits");
    const args = ["--elf", elf, "--baud", String(options.baudRate ?? 115200)];
    if (options.uid !== undefined) args.push("--uid", options.uid);
    const child = spawn(harness, args, { stdio: ["pipe", "pipe", "pipe"] });
    const state = { partial: "", stderr: "" };
    const ready = await new Promise<{ mcu: string; clockHz: number }>((resolve, reject) => {
      const timeoutMs = options.startTimeoutMs ?? 10_000;
      const timer = setTimeout(() => finish(new Error(`no READY within ${timeoutMs} ms`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        state.partial += chunk.toString("latin1");
        const nl = state.partial.indexOf("\n");
        if (nl < 0) return;
        const line = state.partial.slice(0, nl);
        state.partial = state.partial.slice(nl + 1);
        const m = /^READY (\d+) (\S+) (\d+)$/.exec(line);
        if (m === null) finish(new Error(`unexpected first line ${JSON.stringify(line)}`));
        else if (Number(m[1]) !== FIL_PROTOCOL_VERSION)
          finish(new Error(`harness protocol ${m[1]}, this side speaks ${FIL_PROTOCOL_VERSION}`));
        else finish(undefined, { mcu: m[2] as string, clockHz: Number(m[3]) });
      };
      const onErr = (chunk: Buffer): void => {
        state.stderr = (state.stderr + chunk.toString("latin1")).slice(-2000);
      };
      const onExit = (code: number | null): void => finish(new Error(`exited (${code}) before READY`));
      const onSpawnError = (e: Error): void => finish(e);
      const onAbort = (): void => finish(new Error("aborted"));
      const finish = (e?: Error, r?: { mcu: string; clockHz: number }): void => {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.stderr.off("data", onErr);
        child.off("exit", onExit);
        child.off("error", onSpawnError);
        options.signal?.removeEventListener("abort", onAbort);
        if (e !== undefined || r === undefined) {
          child.kill("SIGKILL");
          reject(
            new OperationalError(
              `firmware-in-the-loop harness ${harness} on ${elf}: ${e?.message ?? "failed"}${state.stderr ? `; stderr: ${oneLine(state.stderr)}` : ""}`,
              { harness, elf },
              { cause: e },
            ),
          );
        } else resolve(r);
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onErr);
      child.once("exit", onExit);
      child.once("error", onSpawnError);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener("abort", onAbort, { once: true });
    });
    const h = new FilHarness(child, options, ready, { elf, harness }, state);
    if (state.partial.length > 0) h.onData(Buffer.alloc(0));
    return h;
  }

  /** Whether the harness has stopped (exited, failed or closed). */
  get stopped(): boolean {
    return this.failure !== null;
  }

  /**
   * Runs device time up to `endUs` [us since start] with the thermistor channels reading
   * `adcHot`/`adcCold`/`adcAmb` 12-bit counts and `pulses` falling edges on D2 spread evenly over
   * the step. One step at a time.
   */
  run(
    endUs: number,
    adcHot: number,
    adcCold: number,
    adcAmb: number,
    pulses: number,
  ): Promise<FilStepResult> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.pending !== null) return Promise.reject(new Error("FilHarness.run: a step is already running"));
    return new Promise<FilStepResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(`no answer to a step within ${this.stepTimeoutMs} ms`);
        this.child.kill("SIGKILL");
      }, this.stepTimeoutMs);
      this.pending = { resolve, reject, timer };
      this.write(
        `RUN ${Math.round(endUs)} ${clampCounts(adcHot)} ${clampCounts(adcCold)} ${clampCounts(adcAmb)} ${Math.max(0, Math.floor(pulses))}\n`,
      );
    });
  }

  /** Bytes into UART0 RX from now on, one per character time. */
  send(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.failure !== null) return;
    this.write(`IN ${hex(bytes)}\n`);
  }

  /**
   * Resets the MCU now with `cause` in MCUSR (EXTERNAL: the reset pin, e.g. a DTR pulse; WDT: as
   * after a watchdog reset; POWERON: a power cycle, RAM lost). Bytes still on the wire are lost.
   * The reset is reported in the next step's {@link FilStepResult.resets}.
   */
  reset(cause: ResetCause): void {
    if (this.failure !== null) return;
    this.write(`RESET ${cause}\n`);
  }

  /** Stops the harness (QUIT, then SIGKILL after 2 s). */
  async close(): Promise<void> {
    this.signal?.removeEventListener("abort", this.onAbort);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.write("QUIT\n");
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
      await this.exited;
      clearTimeout(timer);
    }
    this.fail("closed");
  }

  private write(text: string): void {
    this.child.stdin.write(text);
  }

  private fail(why: string): void {
    if (this.failure === null) {
      this.failure = new OperationalError(
        `firmware-in-the-loop harness: ${why}${this.stderrTail ? `; stderr: ${this.stderrTail.trim()}` : ""}`,
        { harness: this.harnessPath, elf: this.elfPath },
      );
    }
    const p = this.pending;
    if (p !== null) {
      this.pending = null;
      clearTimeout(p.timer);
      p.reject(this.failure);
    }
  }

  private onData(chunk: Buffer): void {
    this.partial += chunk.toString("latin1");
    let nl = this.partial.indexOf("\n");
    while (nl >= 0) {
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      this.onLine(line);
      nl = this.partial.indexOf("\n");
    }
  }

  private onLine(line: string): void {
    const sp = line.indexOf(" ");
    const tag = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? "" : line.slice(sp + 1);
    switch (tag) {
      case "OUT":
        this.out.push(Buffer.from(rest, "hex"));
        return;
      case "RESET": {
        const [at, cause] = rest.split(" ");
        this.resets.push({
          atUs: Number(at),
          cause: cause !== undefined && RESET_CAUSES_SEEN.has(cause) ? (cause as ResetCause) : "UNKNOWN",
        });
        return;
      }
      case "DONE": {
        const f = rest.split(" ");
        const p = this.pending;
        if (p === null) return;
        this.pending = null;
        clearTimeout(p.timer);
        const result: FilStepResult = {
          endUs: Number(f[0]),
          uartOut: this.out.length === 1 ? (this.out[0] as Buffer) : Buffer.concat(this.out),
          resets: this.resets,
          pumpDuty: Number(f[1]),
          fanDuty: Number(f[2]),
          heaterOnUs: Number(f[3]),
          heaterOn: f[4] === "1",
        };
        this.out = [];
        this.resets = [];
        p.resolve(result);
        return;
      }
      case "HALT":
        this.fail(`the firmware halted: ${rest}`);
        return;
      case "ERR":
        this.fail(`protocol error: ${rest}`);
        return;
      default:
        this.fail(`unexpected line ${JSON.stringify(line.slice(0, 80))}`);
    }
  }
}

function clampCounts(c: number): number {
  return c <= 0 ? 0 : c >= 4092 ? 4092 : Math.round(c);
}
