/**
 * `looptwin demo`: a short, readable simulated run in the terminal (what `npm start` shows until
 * the dashboard exists): the default bench rig at its steady state, a pump failure at t = 300 s,
 * a table every 30 s for 10 minutes of true and measured values.
 */
import { ConfigError } from "../core/errors.js";
import { type FaultSpec, formatFaultSpec, isLinkFault, parseFaultSpec } from "../model/faultSpec.js";
import { constantSchedule, DEFAULT_LOOP_INPUTS } from "../model/inputSchedule.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../model/loopModel.js";
import { makeLoopParams } from "../model/loopParams.js";
import { faultLabel } from "../model/plantSimulator.js";
import { type LoopRow, simulateRun } from "../model/simulateRun.js";
import { loopSteadyState } from "../model/steadyState.js";
import { parseCommandArgs, parseNumberArg, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";

const HELP = `Usage: looptwin demo [--fault SPEC] [--seed N]

A 10-minute simulated run of the default bench rig (150 W heater, pump duty 200, radiator
UA 10 W/K, 25 C ambient), started at its steady state, with a fault injected at t = 300 s
(default pump_failure:start=300). Prints a row every 30 s: true temperatures and flow beside
what the sensors read (12-bit thermistor counts and flow-meter pulses, converted as the host does).

Options:
  --fault SPEC   the fault to inject (default pump_failure:start=300)
  --seed N       seed of the sensor noise (default 1)

For full runs as CSV: looptwin simulate --help
`;

const DURATION_S = 600;

/** The table's columns: header, unit, width, decimals ("meas" = what the host reads from the sensors). */
const COLUMNS = [
  { title: "t", unit: "s", width: 5, decimals: 0 },
  { title: "pump", unit: "duty", width: 5, decimals: 0 },
  { title: "flow", unit: "L/min", width: 6, decimals: 2 },
  { title: "meas", unit: "L/min", width: 6, decimals: 2 },
  { title: "T_hot", unit: "C", width: 6, decimals: 2 },
  { title: "meas", unit: "C", width: 6, decimals: 2 },
  { title: "T_cold", unit: "C", width: 6, decimals: 2 },
  { title: "meas", unit: "C", width: 6, decimals: 2 },
  { title: "dT", unit: "K", width: 6, decimals: 2 },
] as const;
const EVERY_S = 30;

function cell(x: number, decimals: number, width: number): string {
  return (Number.isFinite(x) ? x.toFixed(decimals) : "--").padStart(width);
}

export const demoCommand: Command = {
  name: "demo",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCommandArgs(argv, { fault: { type: "string" }, seed: { type: "string" } }, false);
    const fault: FaultSpec = parseFaultSpec(stringOpt(args, "fault") ?? "pump_failure:start=300", "--fault");
    if (isLinkFault(fault.kind))
      throw new ConfigError("--fault", fault.kind, "link faults need looptwin emulate");
    const seedText = stringOpt(args, "seed");
    const seed = seedText === undefined ? 1 : parseNumberArg("--seed", seedText, { integer: true, min: 0 });

    // Start at the steady state of the default duties, so the table shows the fault, not a warm-up.
    const base = makeLoopParams();
    const op = setOperatingPointFromDuties(
      base,
      DEFAULT_LOOP_INPUTS.pump,
      DEFAULT_LOOP_INPUTS.heater,
      DEFAULT_LOOP_INPUTS.fan,
      base.T_amb,
      createOperatingPoint(base),
    );
    const steady = loopSteadyState(base, op);
    const params = steady.ok
      ? makeLoopParams({ T_hot0: steady.value.tHotC, T_cold0: steady.value.tColdC })
      : base;

    const lines: string[] = [
      `looptwin demo: default bench rig, ${formatFaultSpec(fault)} (seed ${seed})`,
      "",
      COLUMNS.map((c) => c.title.padStart(c.width)).join(" "),
      COLUMNS.map((c) => c.unit.padStart(c.width)).join(" "),
    ];
    simulateRun(
      {
        model: "loop",
        params,
        inputs: {
          pump: constantSchedule("pump", DEFAULT_LOOP_INPUTS.pump),
          heater: constantSchedule("heater", DEFAULT_LOOP_INPUTS.heater),
          fan: constantSchedule("fan", DEFAULT_LOOP_INPUTS.fan),
          t_amb: constantSchedule("t_amb", params.T_amb),
        },
        faults: [fault],
        seed,
        sensors: true,
        durationS: DURATION_S,
        dtS: 1,
      },
      (row) => {
        const r = row as LoopRow;
        const s = r.sample;
        if (Math.round(s.tS) % EVERY_S !== 0) return;
        const values = [
          s.tS,
          s.pumpDuty,
          s.flowLpm,
          r.measFlowLpm,
          s.tHotC,
          r.measTHotC,
          s.tColdC,
          r.measTColdC,
          s.tHotC - s.tColdC,
        ];
        const cells = COLUMNS.map((c, i) => cell(values[i] ?? Number.NaN, c.decimals, c.width));
        lines.push(`${cells.join(" ")}   ${faultLabel(s.faultMask) || "-"}`);
      },
    );
    lines.push(
      "",
      "meas: what the host reads (thermistor counts and flow pulses, converted). A failed pump stops",
      "the flow: the hot node heats at about Q_in/C_hot while the cold node cools towards the sink,",
      "so T_hot - T_cold grows. Try --fault hx_fouling:start=300,severity=0.5 (both rise together).",
      "",
    );
    io.stdout.write(lines.join("\n"));
    return 0;
  },
};
