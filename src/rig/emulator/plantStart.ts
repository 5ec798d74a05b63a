/**
 * `looptwin emulate --plant-start steady:pump=P,heater=H,fan=F`: the emulated plant (not the
 * device, not the host) starts at the loop model's steady state of those duties instead of at its
 * parameters' initial state. A bench simulation convenience: a real rig cannot be preset, so a
 * `start: steady` HIL scenario warms the loop until steady first; on StandardFirmata in simavr
 * (about 0.55x real time) that took most of an hour from ambient. Started warm, the runner's
 * warm-up check still runs and passes after its 120 s window. The steady state is the model's own
 * ({@link loopSteadyStateAtDuties}, docs/design.md 2.2), at the parameters' ambient.
 */
import { ConfigError } from "../../core/errors.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams, makeLoopParams } from "../../model/loopParams.js";
import { loopSteadyStateAtDuties } from "../../model/steadyState.js";

/** Duties (0-255) whose steady state the plant starts at. */
export interface PlantStartDuties {
  readonly pump: number;
  readonly heater: number;
  readonly fan: number;
}

const CHANNELS = ["pump", "heater", "fan"] as const;

/**
 * Parses `steady:pump=P,heater=H,fan=F` (all three, integers 0-255, any order); `ambient` is the
 * default start and gives undefined. Errors name `option` and the value.
 */
export function parsePlantStart(text: string, option = "--plant-start"): PlantStartDuties | undefined {
  const form = "must be ambient or steady:pump=P,heater=H,fan=F (duties 0-255)";
  if (text === "ambient") return undefined;
  if (!text.startsWith("steady:")) throw new ConfigError(option, text, form);
  const duties: Partial<Record<(typeof CHANNELS)[number], number>> = {};
  for (const part of text.slice("steady:".length).split(",")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const channel = CHANNELS.find((c) => c === key);
    if (channel === undefined) throw new ConfigError(option, text, `${form}; '${part}' is not one of them`);
    if (duties[channel] !== undefined) throw new ConfigError(option, text, `${form}; ${channel} given twice`);
    const valueText = part.slice(eq + 1);
    const duty = Number(valueText);
    if (eq < 0 || !/^\d+$/.test(valueText) || duty > 255)
      throw new ConfigError(option, text, `${form}; ${channel}=${valueText} is not a duty 0-255`);
    duties[channel] = duty;
  }
  const missing = CHANNELS.filter((c) => duties[c] === undefined);
  if (missing.length > 0) throw new ConfigError(option, text, `${form}; ${missing.join(", ")} missing`);
  return duties as PlantStartDuties;
}

/**
 * `params` with the initial state (`T_hot0`, `T_cold0`) at the steady state of `duties`. Throws a
 * ConfigError naming `option` when those duties have none (pump stopped with no losses, or a loop
 * that rejects no heat).
 */
export function paramsStartingSteady(
  duties: PlantStartDuties,
  params: LoopParams = DEFAULT_LOOP_PARAMS,
  option = "--plant-start",
): LoopParams {
  const ss = loopSteadyStateAtDuties(params, duties.pump, duties.heater, duties.fan);
  if (!ss.ok)
    throw new ConfigError(
      option,
      `steady:pump=${duties.pump},heater=${duties.heater},fan=${duties.fan}`,
      ss.error,
    );
  return makeLoopParams({ ...params, T_hot0: ss.value.tHotC, T_cold0: ss.value.tColdC });
}
