/**
 * The standalone page's run, read from and written to its URL query (docs/web.md "The URL"), so a
 * link reproduces a run: `?fault=pump_failure:start=30&speed=50&seed=3&set=UA=9`. `fault` and
 * `set` repeat; `pump`, `heater`, `fan` are the starting duties; `speed` is 1-1000 or `max`.
 *
 * Pure: a query string in, a run and one-line errors out. A bad value never stops the page: the
 * entry is dropped (the default stays) and its error names the parameter and the value.
 */
import { isConfigError } from "../../src/core/errors.js";
import { type FaultSpec, formatFaultSpec, isLinkFault, parseFaultSpec } from "../../src/model/faultSpec.js";
import { LOOP_PARAM_NAMES, type LoopParamName, makeLoopParams } from "../../src/model/loopParams.js";

/** Simulated seconds per wall second: a number 1-1000, or as fast as the browser goes. */
export type RunSpeed = number | "max";

export const SPEED_MIN = 1;
export const SPEED_MAX = 1000;

/** What the URL says about a run (every field defaulted). */
export interface RunSpec {
  readonly faults: readonly FaultSpec[];
  /** @default 10 */
  readonly speed: RunSpeed;
  /** Plant noise seed. @default 1 */
  readonly seed: number;
  /** Loop-parameter overrides (`set=K=V`), validated against the loop model's ranges. */
  readonly set: Readonly<Partial<Record<LoopParamName, number>>>;
  /** Starting duties 0-255. @default pump 200, heater 255, fan 255 (docs/design.md 5) */
  readonly pumpDuty: number;
  readonly heaterDuty: number;
  readonly fanDuty: number;
}

export const DEFAULT_RUN: RunSpec = Object.freeze({
  faults: [],
  speed: 10,
  seed: 1,
  set: {},
  pumpDuty: 200,
  heaterDuty: 255,
  fanDuty: 255,
});

/** The run and the problems found (one line each, naming the URL parameter). */
export interface ParsedRunUrl {
  readonly run: RunSpec;
  readonly errors: readonly string[];
}

const KNOWN_KEYS = ["fault", "speed", "seed", "set", "pump", "heater", "fan"] as const;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function parseDuty(key: string, text: string, errors: string[]): number | undefined {
  const v = text.trim() === "" ? Number.NaN : Number(text);
  if (Number.isInteger(v) && v >= 0 && v <= 255) return v;
  errors.push(`${key}: must be a duty 0-255 (got ${JSON.stringify(text)})`);
  return undefined;
}

/** Reads a query string (`location.search`, with or without the `?`). Never throws. */
export function parseRunUrl(search: string): ParsedRunUrl {
  const q = new URLSearchParams(search);
  const errors: string[] = [];
  const faults: FaultSpec[] = [];
  const set: Partial<Record<LoopParamName, number>> = {};
  let speed: RunSpeed = DEFAULT_RUN.speed;
  let seed = DEFAULT_RUN.seed;
  let pumpDuty = DEFAULT_RUN.pumpDuty;
  let heaterDuty = DEFAULT_RUN.heaterDuty;
  let fanDuty = DEFAULT_RUN.fanDuty;

  for (const [key, text] of q) {
    switch (key) {
      case "fault":
        try {
          const spec = parseFaultSpec(text, "fault");
          if (isLinkFault(spec.kind))
            errors.push(
              `fault: ${spec.kind} needs a serial link (looptwin serve --emulate), not the page's plant`,
            );
          else faults.push(spec);
        } catch (e) {
          errors.push(isConfigError(e) ? e.message : `fault: ${messageOf(e)}`);
        }
        break;
      case "speed": {
        if (text === "max") {
          speed = "max";
          break;
        }
        const v = text.trim() === "" ? Number.NaN : Number(text);
        if (v >= SPEED_MIN && v <= SPEED_MAX) speed = v;
        else errors.push(`speed: must be ${SPEED_MIN}-${SPEED_MAX} or max (got ${JSON.stringify(text)})`);
        break;
      }
      case "seed": {
        const v = text.trim() === "" ? Number.NaN : Number(text);
        if (Number.isSafeInteger(v) && v >= 0) seed = v;
        else errors.push(`seed: must be a whole number >= 0 (got ${JSON.stringify(text)})`);
        break;
      }
      case "set": {
        const eq = text.indexOf("=");
        const name = eq < 0 ? text : text.slice(0, eq);
        const valueText = eq < 0 ? "" : text.slice(eq + 1);
        if (!(LOOP_PARAM_NAMES as readonly string[]).includes(name)) {
          errors.push(
            `set: unknown loop parameter ${JSON.stringify(name)} (one of ${LOOP_PARAM_NAMES.join(", ")})`,
          );
          break;
        }
        const value = valueText.trim() === "" ? Number.NaN : Number(valueText);
        try {
          // Validated with the others so a range that depends on another parameter is checked too.
          makeLoopParams({ ...set, [name]: value }, "set ");
          set[name as LoopParamName] = value;
        } catch (e) {
          errors.push(isConfigError(e) ? e.message : `set ${name}: ${messageOf(e)}`);
        }
        break;
      }
      case "pump":
        pumpDuty = parseDuty(key, text, errors) ?? pumpDuty;
        break;
      case "heater":
        heaterDuty = parseDuty(key, text, errors) ?? heaterDuty;
        break;
      case "fan":
        fanDuty = parseDuty(key, text, errors) ?? fanDuty;
        break;
      default:
        errors.push(`${key}: unknown URL parameter (one of ${KNOWN_KEYS.join(", ")})`);
    }
  }
  return { run: { faults, speed, seed, set, pumpDuty, heaterDuty, fanDuty }, errors };
}

/** The query string (with `?`) that {@link parseRunUrl} reads back as `run`; defaults left out. */
export function formatRunUrl(run: RunSpec): string {
  const q = new URLSearchParams();
  for (const f of run.faults) q.append("fault", formatFaultSpec(f));
  if (run.speed !== DEFAULT_RUN.speed) q.append("speed", String(run.speed));
  if (run.seed !== DEFAULT_RUN.seed) q.append("seed", String(run.seed));
  for (const name of LOOP_PARAM_NAMES) {
    const v = run.set[name];
    if (v !== undefined) q.append("set", `${name}=${v}`);
  }
  if (run.pumpDuty !== DEFAULT_RUN.pumpDuty) q.append("pump", String(run.pumpDuty));
  if (run.heaterDuty !== DEFAULT_RUN.heaterDuty) q.append("heater", String(run.heaterDuty));
  if (run.fanDuty !== DEFAULT_RUN.fanDuty) q.append("fan", String(run.fanDuty));
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}
