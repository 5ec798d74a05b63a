/**
 * The scenarios where the learned detector must alarm and the residual monitor does not
 * (issue 17 part 2): `pump-hunting` (the pump PWM hunting 190/210 around its setpoint) and
 * `thermistor-intermittent-cold` (the cold thermistor stepping 0.15 K on and off). Each passes on
 * the emulator with its own `learned: { learn_first }`; run with the residual monitor alone, the
 * same run raises no alarm at all, and its learned expectations are skipped with the reason.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createMonitor } from "../../src/detect/monitor/monitor.js";
import { NO_LEARNED_DETECTOR } from "../../src/hil/expectations.js";
import { loadDefaultMonitorFactory } from "../../src/hil/monitorFactory.js";
import { type MonitorFactory, runScenario } from "../../src/hil/runner.js";
import { loadScenarioFile } from "../../src/hil/scenarioLoader.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";

const ROOT = join(import.meta.dirname, "..", "..");
const NAMES = ["pump-hunting", "thermistor-intermittent-cold"] as const;
const scenario = (name: string) =>
  loadScenarioFile(join(ROOT, "hil", "scenarios", `${name}.yaml`), `hil/scenarios/${name}.yaml`);

/** The residual monitor alone: the scenario's learned: section ignored. */
const residualOnly: MonitorFactory = ({ learnFirstS: _ignored, ...context }) => createMonitor(context);

let withLearned: MonitorFactory;
beforeAll(async () => {
  withLearned = await loadDefaultMonitorFactory();
});

describe.each(NAMES)("%s", (name) => {
  it("passes with its learned detector: the learned alarm in time, nothing from the residual monitor", async () => {
    const sc = scenario(name);
    expect(sc.learned).toEqual({ learnFirstS: 100 });
    const r = await runScenario(sc, {
      target: emulatorTarget("", { cwd: ROOT }),
      monitorFactory: withLearned,
    });
    expect(
      r.verdicts.map((v) => `${v.status} ${v.name}: ${v.observed}`).filter((v) => !v.startsWith("passed")),
    ).toEqual([]);
    expect(r.status).toBe("passed");
    const raised = r.timeline.flatMap((o) =>
      o.kind === "alarm" && o.event.type === "raised" ? [o.event] : [],
    );
    expect(raised.length).toBeGreaterThan(0);
    expect(new Set(raised.map((e) => e.cause))).toEqual(new Set(["learned"]));
  }, 60_000);

  it("the residual monitor alone raises nothing, and the learned expectations are skipped, saying why", async () => {
    const r = await runScenario(scenario(name), {
      target: emulatorTarget("", { cwd: ROOT }),
      monitorFactory: residualOnly,
    });
    expect(r.timeline.filter((o) => o.kind === "alarm")).toEqual([]);
    const learned = r.verdicts.filter((v) => v.name.includes("learned detector"));
    expect(learned.length).toBe(2);
    for (const v of learned) {
      expect(v.status).toBe("skipped");
      expect(v.observed).toBe(NO_LEARNED_DETECTOR);
    }
  }, 60_000);
});
