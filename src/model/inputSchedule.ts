/**
 * Input schedules (docs/design.md 5): `CHANNEL=T:V[,T:V...]`, piecewise constant from each
 * time T [s]. Loop-model channels `pump`, `heater`, `fan` (duty 0-255) and `t_amb` (C), with
 * defaults pump 200, heater 255, fan 255, t_amb 25 C before the first T; seed-model channels
 * `q_in` and `q_out` (W), defaulting to the parameters `Q_in` and `Q_out`.
 *
 * Example: `--input pump=0:200,600:80,1200:200` runs the pump at 200, drops it to 80 from
 * t = 600 s and restores it at t = 1200 s.
 */
import { ConfigError } from "../core/errors.js";
import { DUTY_MAX } from "../core/units.js";
import { ABSOLUTE_ZERO_C } from "./paramSpec.js";

export const LOOP_INPUT_CHANNELS = ["pump", "heater", "fan", "t_amb"] as const;
export const SEED_INPUT_CHANNELS = ["q_in", "q_out"] as const;
export type LoopInputChannel = (typeof LOOP_INPUT_CHANNELS)[number];
export type SeedInputChannel = (typeof SEED_INPUT_CHANNELS)[number];
export type InputChannel = LoopInputChannel | SeedInputChannel;

/** Values of the loop channels before their first scheduled time (docs/design.md 5). */
export const DEFAULT_LOOP_INPUTS: Readonly<Record<LoopInputChannel, number>> = {
  pump: 200,
  heater: 255,
  fan: 255,
  t_amb: 25,
};

/** A piecewise-constant input: `initial` before `timesS[0]`, then `values[k]` from `timesS[k]` on. */
export interface InputSchedule {
  readonly channel: InputChannel;
  readonly initial: number;
  /** Strictly increasing change times [s], >= 0. */
  readonly timesS: Float64Array;
  readonly values: Float64Array;
}

/** A schedule that never changes. */
export function constantSchedule(channel: InputChannel, value: number): InputSchedule {
  return { channel, initial: value, timesS: new Float64Array(0), values: new Float64Array(0) };
}

/** The value of `s` at time `tS` (the new value applies from its change time on). */
export function scheduleValueAt(s: InputSchedule, tS: number): number {
  const times = s.timesS;
  let lo = 0;
  let hi = times.length;
  // First index with times[i] > tS.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= tS) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? s.initial : (s.values[lo - 1] as number);
}

/** The first change time of `s` strictly after `tS` [s], or Infinity. */
export function nextChangeAfterS(s: InputSchedule, tS: number): number {
  const times = s.timesS;
  for (let i = 0; i < times.length; i++) if ((times[i] as number) > tS) return times[i] as number;
  return Number.POSITIVE_INFINITY;
}

function checkValue(channel: InputChannel, field: string, raw: string, value: number): void {
  switch (channel) {
    case "pump":
    case "heater":
    case "fan":
      if (!(Number.isInteger(value) && value >= 0 && value <= DUTY_MAX))
        throw new ConfigError(field, raw, `a ${channel} duty must be a whole number 0-${DUTY_MAX}`);
      break;
    case "t_amb":
      if (!(value > ABSOLUTE_ZERO_C))
        throw new ConfigError(field, raw, "must be above absolute zero (-273.15 C)");
      break;
    case "q_in":
    case "q_out":
      if (!(value >= 0)) throw new ConfigError(field, raw, "heat flow must be >= 0 W");
      break;
  }
}

/**
 * Parses one `CHANNEL=T:V[,T:V...]` argument. `allowed` lists the channels of the model in use
 * and `defaults` their values before the first T. Errors name the argument and channel
 * (`--input pump`) and the offending text.
 */
export function parseInputSchedule(
  text: string,
  allowed: readonly InputChannel[],
  defaults: Readonly<Partial<Record<InputChannel, number>>>,
  argName = "--input",
): InputSchedule {
  const eq = text.indexOf("=");
  if (eq < 0) throw new ConfigError(argName, text, "expected CHANNEL=T:V[,T:V...]");
  const name = text.slice(0, eq).trim();
  if (!(allowed as readonly string[]).includes(name))
    throw new ConfigError(
      `${argName} channel`,
      name,
      `unknown input channel for this model (one of ${allowed.join(", ")})`,
    );
  const channel = name as InputChannel;
  const field = `${argName} ${channel}`;
  const body = text.slice(eq + 1).trim();
  if (body === "") throw new ConfigError(field, text, "no T:V points after '='");
  const times: number[] = [];
  const values: number[] = [];
  for (const point of body.split(",")) {
    const colon = point.indexOf(":");
    if (colon < 0) throw new ConfigError(field, point, "expected T:V (time in s, value)");
    const tRaw = point.slice(0, colon).trim();
    const vRaw = point.slice(colon + 1).trim();
    const tS = tRaw === "" ? Number.NaN : Number(tRaw);
    const value = vRaw === "" ? Number.NaN : Number(vRaw);
    if (!Number.isFinite(tS) || tS < 0)
      throw new ConfigError(field, point, "time must be a finite number >= 0 s");
    if (!Number.isFinite(value)) throw new ConfigError(field, point, "value must be a finite number");
    const last = times[times.length - 1];
    if (last !== undefined && !(tS > last))
      throw new ConfigError(field, point, `times must increase (${tS} s after ${last} s)`);
    checkValue(channel, field, point, value);
    times.push(tS);
    values.push(value);
  }
  const initial = defaults[channel];
  if (initial === undefined) throw new RangeError(`parseInputSchedule: no default for channel ${channel}`);
  return { channel, initial, timesS: Float64Array.from(times), values: Float64Array.from(values) };
}

/**
 * Parses every `--input` argument for a model with channels `allowed`; channels not given get a
 * constant schedule at their default. A channel given twice is an error.
 */
export function parseInputSchedules<C extends InputChannel>(
  texts: readonly string[],
  allowed: readonly C[],
  defaults: Readonly<Record<C, number>>,
  argName = "--input",
): Record<C, InputSchedule> {
  const out = {} as Record<C, InputSchedule>;
  const given = new Set<string>();
  for (const text of texts) {
    const s = parseInputSchedule(text, allowed, defaults, argName);
    if (given.has(s.channel)) throw new ConfigError(`${argName} ${s.channel}`, text, "channel given twice");
    given.add(s.channel);
    out[s.channel as C] = s;
  }
  for (const c of allowed) if (!given.has(c)) out[c] = constantSchedule(c, defaults[c]);
  return out;
}
