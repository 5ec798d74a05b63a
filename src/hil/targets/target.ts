/**
 * What the HIL runner runs a scenario against: a target opens a session (a connected, handshaken
 * {@link RigSource} and the clock its time runs on). The runner is the same for every target;
 * targets differ in their source, their clock (virtual for the in-process emulator, scaled wall
 * time for the pseudo-terminal emulator, wall time for a real rig) and their capabilities (which
 * steps they can carry out; the runner skips the others and reports why).
 *
 * Targets are pluggable: a {@link TargetRegistry} maps the `--target` word (`emulator`, `pty`,
 * `serial:PATH`, `firmata:PATH`, and later `fil`) to a factory.
 */
import { ConfigError } from "../../core/errors.js";
import type { FaultSpec } from "../../model/faultSpec.js";
import type { LoopParams } from "../../model/loopParams.js";
import type { SensorCalibration } from "../../model/telemetryConverter.js";
import type { RecordSink } from "../../rig/recording/recordingWriter.js";
import type { RigSource } from "../../rig/source/rigSource.js";
import type { Scheduler } from "../../rig/source/scheduler.js";
import type { Scenario } from "../scenario.js";
import type { PlantTruth } from "../signals.js";

/** What a target can do beyond the protocol every device speaks. */
export interface TargetCapabilities {
  /** Can inject emulator-only plant, sensor and link faults (`EMU` lines, or `injectFault`). */
  readonly emu: boolean;
  /** Exposes the plant's ground truth (the `true_*` signals). */
  readonly truth: boolean;
  /** Time is virtual: it runs as fast as the machine allows and only when the runner lets it. */
  readonly virtualTime: boolean;
  /** The plant can start at a given state (otherwise a `start: steady` scenario warms the rig up). */
  readonly presetState: boolean;
  /** Loop parameters of the plant can be set per scenario (`rig.params`). */
  readonly plantParams: boolean;
  /**
   * With virtual time: the least rig seconds per wall second the target keeps up even on a loaded
   * machine, from which the default scenario timeout follows. @default 50
   */
  readonly minSpeed?: number;
}

/** The clock of a session: its scheduler, and a way to let time pass. */
export interface TargetClock {
  /** Timers in this session's time (the runner's heartbeat, command timeouts). */
  readonly scheduler: Scheduler;
  /** This session's time [ms] (the scheduler's). */
  nowMs(): number;
  /**
   * Lets time run until `tMs`: a virtual clock runs the device and plant there (and the host
   * timers due on the way); a wall clock sleeps. Returns early when `signal` aborts.
   */
  runUntil(tMs: number, signal: AbortSignal): Promise<void>;
}

export interface TargetOpenOptions {
  readonly scenario: Scenario;
  /** The rig's loop parameters (an emulated plant's; the twin uses the same). */
  readonly params: LoopParams;
  /** Initial plant state, for targets with `presetState` (the steady state of the setpoints). */
  readonly initialState?: { readonly tHotC: number; readonly tColdC: number };
  /** Where the source records raw lines, samples, commands, events, link changes and gaps. */
  readonly record?: RecordSink;
  readonly signal: AbortSignal;
}

export interface TargetSession {
  /** Connected and handshaken; the runner closes it through {@link TargetSession.close}. */
  readonly source: RigSource;
  readonly clock: TargetClock;
  /** The host conversion in use (the twin's sensor model). */
  readonly calibration: SensorCalibration;
  /** Clock time [ms] at which the source's rig time was 0, when the target knows it exactly. */
  rigZeroClockMs?(): number;
  /** The plant's true state now (targets with `truth`). */
  readTruth?(out: PlantTruth): void;
  /**
   * Injects an emulator-only fault (plant, sensor, flow meter or link; times relative to now) or
   * clears them all, by the target's own channel. Targets whose device takes `EMU` lines leave it
   * out (the runner sends `EMU`); a device that refuses `EMU` (real firmware in a simulator)
   * injects into its plant or link bridge here.
   */
  injectFault?(fault: FaultSpec | "clear"): Promise<void>;
  /** Counters of the far end (an emulated device's), for the report. */
  deviceStats?(): Readonly<Record<string, number>>;
  /** Closes the source and whatever the target started (emulator process, pseudo-terminal). */
  close(): Promise<void>;
}

export interface HilTarget {
  /** As given to `--target`, e.g. `emulator`, `serial:/dev/ttyACM0`. */
  readonly name: string;
  /** Recording source kind. */
  readonly sourceKind: "serial" | "emulator" | "pty" | "firmata";
  readonly capabilities: TargetCapabilities;
  /** Why the target cannot run `scenario` at all (undefined when it can). */
  cannotRun?(scenario: Scenario): string | undefined;
  open(options: TargetOpenOptions): Promise<TargetSession>;
}

/** What factories may use. */
export interface TargetContext {
  readonly cwd: string;
  /** Host conversion of a real rig (from the rig config; emulated plants use the default parts). */
  readonly calibration?: SensorCalibration;
  /** Speed of a pseudo-terminal emulator, or of a simulated Firmata board (rig seconds per wall second). */
  readonly speed?: number;
  /** Command that runs `looptwin` (`[node, bin/looptwin.js]`), for targets that start it. */
  readonly looptwinCommand?: readonly string[];
}

/** Builds a target from the text after `KIND:` (empty when there is none). */
export type TargetFactory = (arg: string, context: TargetContext) => HilTarget;

interface Registered {
  readonly factory: TargetFactory;
  readonly usage: string;
  readonly needsArg: boolean;
  readonly optionalArg: boolean;
  readonly takesSpeed: boolean;
}

/** `--target` words and their factories. */
export class TargetRegistry {
  private readonly entries = new Map<string, Registered>();

  /**
   * Adds a target kind; `usage` is how `--help` shows it, e.g. `serial:PATH`. `needsArg`: the
   * argument after `:` is required; `optionalArg`: it may be given or not; neither: refused.
   * `takesSpeed`: the target runs at {@link TargetContext.speed}; `--speed` is refused otherwise.
   */
  register(
    kind: string,
    factory: TargetFactory,
    options: { usage?: string; needsArg?: boolean; optionalArg?: boolean; takesSpeed?: boolean } = {},
  ): this {
    if (!/^[a-z][a-z0-9_-]*$/.test(kind))
      throw new ConfigError("target kind", kind, "must be a lowercase word");
    this.entries.set(kind, {
      factory,
      usage: options.usage ?? kind,
      needsArg: options.needsArg ?? false,
      optionalArg: options.optionalArg ?? false,
      takesSpeed: options.takesSpeed ?? false,
    });
    return this;
  }

  get usages(): string[] {
    return [...this.entries.values()].map((e) => e.usage);
  }

  /** The target named by `spec` (`KIND` or `KIND:ARG`); a ConfigError names `--target` otherwise. */
  create(spec: string, context: TargetContext): HilTarget {
    const colon = spec.indexOf(":");
    const kind = colon < 0 ? spec : spec.slice(0, colon);
    const arg = colon < 0 ? "" : spec.slice(colon + 1);
    const e = this.entries.get(kind);
    if (e === undefined)
      throw new ConfigError("--target", spec, `unknown target (one of ${this.usages.join(", ")})`);
    if (e.needsArg && arg === "") throw new ConfigError("--target", spec, `needs a path: ${e.usage}`);
    if (!e.needsArg && !e.optionalArg && arg !== "")
      throw new ConfigError("--target", spec, `${kind} takes no argument`);
    if (context.speed !== undefined && !e.takesSpeed) {
      const speedTargets = [...this.entries.values()].filter((t) => t.takesSpeed).map((t) => t.usage);
      throw new ConfigError(
        "--speed",
        context.speed,
        `applies to --target ${speedTargets.join(" and ")} only, not ${e.usage}`,
      );
    }
    return e.factory(arg, context);
  }
}
