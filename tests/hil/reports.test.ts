import { describe, expect, it } from "vitest";
import { parseSkabCsv } from "../../src/detect/data/skabCsv.js";
import { junitXml, xmlEscape } from "../../src/hil/junitReport.js";
import { CSV_SIGNALS, labelledCsv, labelRows } from "../../src/hil/labelledCsv.js";
import { type FaultInterval, SignalHistory } from "../../src/hil/observations.js";
import type { ScenarioResult } from "../../src/hil/runner.js";
import { LINK_COUNTERS, type LinkCounter } from "../../src/hil/scenario.js";
import { parseScenario } from "../../src/hil/scenarioLoader.js";
import { SIGNAL_INDEX } from "../../src/hil/signals.js";

function history(n: number): SignalHistory {
  const h = new SignalHistory();
  const row = new Float64Array(SignalHistory.STRIDE).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    row[0] = i / 10;
    row[1 + SIGNAL_INDEX.t_hot_c] = i === 3 ? Number.NaN : 40 + i / 100;
    row[1 + SIGNAL_INDEX.flow_lpm] = 3.85;
    h.append(row);
  }
  return h;
}

describe("labelled CSV", () => {
  const faults: FaultInterval[] = [
    { kind: "pump_failure", text: "pump PWM 0", startS: 1.05, endS: 2 },
    { kind: "sensor_bias", text: "sensor_bias:channel=hot,value=1.5", startS: 1.5, endS: 3 },
  ];

  it("labels exactly the samples inside each injected fault, with a changepoint at each onset", () => {
    const { anomaly, changepoint } = labelRows(history(40), faults);
    const on = [...anomaly].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(on).toEqual(Array.from({ length: 30 - 11 }, (_, k) => 11 + k));
    expect([...changepoint].flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([11, 15]);
  });

  it("is SKAB layout: the project's own SKAB reader takes it, row for row", () => {
    const text = labelledCsv(history(40), faults);
    const table = parseSkabCsv(text, "run.csv");
    expect(table.rowCount).toBe(40);
    expect(table.channelNames).toEqual(["t_s", ...CSV_SIGNALS]);
    expect([...(table.anomaly ?? [])]).toEqual([...labelRows(history(40), faults).anomaly]);
    expect([...(table.changepoint ?? [])]).toEqual([...labelRows(history(40), faults).changepoint]);
    const lines = text.trim().split("\n");
    expect(lines[0]).toBe(["datetime", "t_s", ...CSV_SIGNALS, "anomaly", "changepoint"].join(";"));
    expect(lines).toHaveLength(41);
    expect(lines[1]?.startsWith("2026-01-01 00:00:00.000;0;40;")).toBe(true);
    // NaN repeats the column's last number.
    expect(lines[4]?.split(";")[2]).toBe(lines[3]?.split(";")[2]);
    expect(lines[12]?.endsWith(";1;1")).toBe(true);
    expect(lines[31]?.endsWith(";0;0")).toBe(true);
  });
});

function result(status: ScenarioResult["status"]): ScenarioResult {
  const scenario = parseScenario(
    "name: x\nduration: 10\nexpect:\n  - alarm: pump_failure\n    from: 1\n    to: 3\n",
    'hil/a<&"b>.yaml',
  );
  const linkCounters = Object.fromEntries(LINK_COUNTERS.map((k) => [k, 0])) as Record<LinkCounter, number>;
  return {
    scenario,
    target: "emulator",
    status,
    reason: status === "skipped" ? "needs EMU" : status === "error" ? "scenario timeout" : "",
    verdicts:
      status === "failed"
        ? [
            {
              name: "pump alarm",
              line: 4,
              status: "failed",
              expected: "pump_failure alarm in 1 .. 3 s",
              observed: "no alarm at all",
            },
          ]
        : [],
    steps: [],
    timeline: [{ kind: "device_event", tS: 2.5, code: "HB_LOST", detail: "3001" }],
    history: new SignalHistory(),
    faults: [],
    rigS: 10,
    wallS: 0.25,
    linkCounters,
  };
}

describe("JUnit XML", () => {
  it("has one testcase per scenario with failure, error and skipped elements and the timeline", () => {
    const xml = junitXml(
      [result("passed"), result("failed"), result("error"), result("skipped")],
      "emulator",
    );
    expect(xml).toContain('<testsuites name="looptwin hil" tests="4" failures="1" errors="1" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain(
      'name="x" classname="hil.emulator" file="hil/a&lt;&amp;&quot;b&gt;.yaml" time="0.250"',
    );
    expect(xml).toContain(
      '<failure message="pump alarm: expected pump_failure alarm in 1 .. 3 s; observed no alarm at all" type="ExpectationFailed">',
    );
    expect(xml).toContain('<error message="scenario timeout" type="RunError">');
    expect(xml).toContain('<skipped message="needs EMU"/>');
    expect(xml).toContain("2.5 s  EVT HB_LOST 3001");
    // Well-formed: every opened testcase closes, no raw markup characters from the data.
    expect(xml.match(/<\/testcase>/g)).toHaveLength(4);
    expect(xml).not.toContain('a<&"b>');
  });

  it("escapes markup and drops characters XML cannot carry", () => {
    expect(xmlEscape(`a<b>&"c'\u0001\u0007d\u00e9`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;d\u00e9");
  });
});
