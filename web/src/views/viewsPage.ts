/**
 * The page's four other views (issue 13 section 3; docs/web.md "Views"): Simulation, Learned
 * detection, Fault testing and Analysis, each a form over the batch runs of experiments.ts with
 * its results as tables (and, for a simulation, a chart and a CSV of the run). Monitoring is the
 * live or standalone page itself. Runs are synchronous (a 600 s run takes well under a second);
 * the result area says "Running..." first so the page shows it is busy.
 */
import uPlot from "uplot";
import type { LearnedModel } from "../../../src/detect/learned/learnedDetector.js";
import { BUTTON_FAULT_KINDS } from "../controls.js";
import { download, el, fmt } from "../dom.js";
import {
  ANALYSIS_FAULTS,
  HEAT_PROFILES,
  type HeatProfile,
  type RunColumns,
  runAnalysis,
  runExperiment,
  runFaultTest,
  stats,
  trainLearned,
} from "./experiments.js";

type Field = {
  id: string;
  label: string;
  value: string;
  kind?: "number" | "select";
  options?: readonly string[];
};

function form(
  container: HTMLElement,
  fields: readonly Field[],
  submitText: string,
  onSubmit: () => void,
): void {
  const f = el("form", "row");
  for (const d of fields) {
    const label = el("label", "inline", d.label);
    let input: HTMLInputElement | HTMLSelectElement;
    if (d.kind === "select") {
      input = el("select");
      for (const o of d.options ?? []) {
        const opt = el("option", "", o);
        opt.value = o;
        input.append(opt);
      }
      input.value = d.value;
    } else {
      input = el("input");
      input.type = "number";
      input.step = "any";
      input.value = d.value;
    }
    input.id = d.id;
    label.append(input);
    f.append(label);
  }
  const b = el("button", "", submitText);
  b.type = "submit";
  f.append(b);
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    onSubmit();
  });
  container.append(f);
}

function num(id: string): number {
  return Number((document.getElementById(id) as HTMLInputElement).value);
}
function str(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): HTMLTableElement {
  const t = el("table", "result-table");
  const tr = el("tr");
  for (const h of head) tr.append(el("th", "", h));
  t.append(tr);
  for (const r of rows) {
    const row = el("tr");
    for (const c of r) row.append(el("td", "", c));
    t.append(row);
  }
  return t;
}

/** Runs `work` after the "Running..." line has been painted; a thrown error becomes one line. */
function runInto(out: HTMLElement, work: () => Node[]): void {
  out.replaceChildren(el("p", "hint", "Running..."));
  setTimeout(() => {
    try {
      out.replaceChildren(...work());
    } catch (e) {
      const p = el("p", "message", e instanceof Error ? e.message : String(e));
      p.setAttribute("role", "alert");
      out.replaceChildren(p);
    }
  }, 30);
}

function panel(
  parent: HTMLElement,
  id: string,
  title: string,
  intro: string,
): { section: HTMLElement; out: HTMLElement } {
  const section = el("section", "panel");
  section.id = id;
  section.hidden = true;
  section.append(el("h2", "", title), el("p", "hint", intro));
  const out = el("div");
  out.setAttribute("aria-live", "polite");
  parent.append(section);
  return { section, out };
}

function runCsv(c: RunColumns): string {
  const lines = [
    "t_s,t_hot_c,t_cold_c,twin_t_hot_c,twin_t_cold_c,flow_lpm,twin_flow_lpm,res_t_hot_k,res_t_cold_k,res_flow_lpm,heater_duty",
  ];
  for (let i = 0; i < c.tS.length; i++) {
    const v = [
      c.tS[i],
      c.tHotC[i],
      c.tColdC[i],
      c.twinTHotC[i],
      c.twinTColdC[i],
      c.flowLpm[i],
      c.twinFlowLpm[i],
      c.resTHotK[i],
      c.resTColdK[i],
      c.resFlowLpm[i],
      c.heaterDuty[i],
    ];
    lines.push(v.map((x) => (Number.isFinite(x as number) ? (x as number).toFixed(4) : "")).join(","));
  }
  return `${lines.join("\n")}\n`;
}

function runChart(target: HTMLElement, c: RunColumns): void {
  const css = getComputedStyle(document.documentElement);
  const color = (v: string): string => css.getPropertyValue(v).trim() || "#888";
  const gaps = (x: Float64Array): (number | null)[] => Array.from(x, (v) => (Number.isFinite(v) ? v : null));
  new uPlot(
    {
      width: Math.max(280, Math.min(1000, target.clientWidth - 10)),
      height: 220,
      scales: { x: { time: false } },
      axes: [
        { stroke: color("--fg-muted"), label: "t [s]" },
        { stroke: color("--fg-muted"), label: "C" },
      ],
      series: [
        {},
        { label: "T_hot", stroke: color("--c-hot"), width: 2 },
        { label: "twin T_hot", stroke: color("--c-hot-twin"), width: 2, dash: [6, 4] },
        { label: "T_cold", stroke: color("--c-cold"), width: 2 },
        { label: "twin T_cold", stroke: color("--c-cold-twin"), width: 2, dash: [6, 4] },
      ],
    },
    [c.tS, gaps(c.tHotC), gaps(c.twinTHotC), gaps(c.tColdC), gaps(c.twinTColdC)] as uPlot.AlignedData,
    target,
  );
}

/** Builds the four views into `root` and returns a function that shows one of them (or none). */
export function buildViews(root: HTMLElement): (view: string) => void {
  let learned: LearnedModel | null = null;
  let learnedNote = "";
  const ensureModel = (): LearnedModel => {
    if (learned === null) {
      learned = trainLearned(600, 1);
      learnedNote = "trained on the default 600 s nominal stretch, seed 1";
    }
    return learned;
  };

  // ---------------------------------------------------------------- simulation
  const sim = panel(
    root,
    "view-simulation",
    "Simulation",
    "An offline run of the loop model with the sensors and the twin beside it: parameters, initial conditions (used when not starting steady), duration, sample rate, heat-input profile. Results: the residuals' min, max, mean and std after the twin's 30 s alignment, a chart, and the run as CSV.",
  );
  form(
    sim.section,
    [
      { id: "sim-UA", label: "UA [W/K]", value: "10" },
      { id: "sim-C_hot", label: "C_hot [J/K]", value: "2500" },
      { id: "sim-C_cold", label: "C_cold [J/K]", value: "3000" },
      { id: "sim-Q", label: "Q_heater_max [W]", value: "150" },
      { id: "sim-T_hot0", label: "T_hot0 [C]", value: "25" },
      { id: "sim-T_cold0", label: "T_cold0 [C]", value: "25" },
      {
        id: "sim-steady",
        label: "start",
        value: "initial conditions",
        kind: "select",
        options: ["initial conditions", "steady state"],
      },
      { id: "sim-duration", label: "duration [s]", value: "1200" },
      { id: "sim-rate", label: "sample rate [Hz]", value: "10" },
      { id: "sim-profile", label: "heat input", value: "step", kind: "select", options: HEAT_PROFILES },
      { id: "sim-at", label: "profile at [s]", value: "200" },
      { id: "sim-len", label: "ramp/pulse [s]", value: "300" },
      { id: "sim-seed", label: "seed", value: "1" },
    ],
    "Run simulation",
    () =>
      runInto(sim.out, () => {
        const r = runExperiment({
          set: {
            UA: num("sim-UA"),
            C_hot: num("sim-C_hot"),
            C_cold: num("sim-C_cold"),
            Q_heater_max: num("sim-Q"),
            T_hot0: num("sim-T_hot0"),
            T_cold0: num("sim-T_cold0"),
          },
          durationS: num("sim-duration"),
          rateHz: num("sim-rate"),
          profile: str("sim-profile") as HeatProfile,
          profileAtS: num("sim-at"),
          profileLengthS: num("sim-len"),
          steady: str("sim-steady") === "steady state",
          seed: num("sim-seed"),
        });
        const from = Math.ceil(30 * num("sim-rate"));
        const c = r.columns;
        const rows = (
          [
            ["T_hot residual [K]", c.resTHotK],
            ["T_cold residual [K]", c.resTColdK],
            ["flow residual [L/min]", c.resFlowLpm],
          ] as const
        ).map(([name, col]) => {
          const s = stats(col, from);
          return [name, fmt(s.min, 3), fmt(s.max, 3), fmt(s.mean, 4), fmt(s.std, 4)];
        });
        const chart = el("div");
        const csv = el("button", "", "CSV of the run");
        csv.type = "button";
        csv.addEventListener("click", () => {
          const url = URL.createObjectURL(new Blob([runCsv(c)], { type: "text/csv" }));
          download("looptwin-simulation.csv", url);
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        });
        setTimeout(() => runChart(chart, c), 0);
        return [
          table(["residual", "min", "max", "mean", "std"], rows),
          el(
            "p",
            "hint",
            `${c.tS.length} samples; alarms raised: ${r.alarms.length}; loop ${r.stability} at the end; final T_hot ${fmt(c.tHotC[c.tHotC.length - 1] as number, 2)} C, T_cold ${fmt(c.tColdC[c.tColdC.length - 1] as number, 2)} C.`,
          ),
          chart,
          csv,
        ];
      }),
  );
  sim.section.append(sim.out);

  // ---------------------------------------------------------------- learned detection
  const faultOptions = BUTTON_FAULT_KINDS;
  const lrn = panel(
    root,
    "view-learned",
    "Learned detection",
    "The project's learned detector (PCA on the twin's three residuals, src/detect/learned) trained here on a nominal stretch of the emulated rig, then tested on a fault beside the residual monitor.",
  );
  form(
    lrn.section,
    [
      { id: "lrn-train", label: "nominal stretch [s]", value: "600" },
      { id: "lrn-seed", label: "seed", value: "1" },
    ],
    "Train",
    () =>
      runInto(lrn.out, () => {
        learned = trainLearned(num("lrn-train"), num("lrn-seed"));
        learnedNote = `trained on ${num("lrn-train")} s, seed ${num("lrn-seed")}`;
        return [
          table(
            ["model", "value"],
            [
              ["status", learnedNote],
              ["channels", learned.channelNames.join(", ")],
              ["training rows", String(learned.trainRows)],
              ["threshold (raw score)", fmt(learned.threshold, 4)],
              ["persistence rows", String(learned.persistenceRows)],
            ],
          ),
        ];
      }),
  );
  form(
    lrn.section,
    [
      { id: "lrn-kind", label: "fault", value: "pump_degradation", kind: "select", options: faultOptions },
      { id: "lrn-severity", label: "severity", value: "0.4" },
      { id: "lrn-start", label: "start [s]", value: "120" },
    ],
    "Test",
    () =>
      runInto(lrn.out, () => {
        const model = ensureModel();
        const kind = str("lrn-kind");
        const spec = `${kind}:start=${num("lrn-start")},severity=${num("lrn-severity")}${kind.startsWith("sensor_") ? ",channel=hot" : ""}${["sensor_bias", "sensor_drift", "sensor_noise"].includes(kind) ? ",value=1.5" : ""}`;
        const r = runFaultTest(spec, { durationS: num("lrn-start") + 300, learned: model });
        const l = r.learned!;
        return [
          el("p", "hint", `Model: ${learnedNote}. Fault: ${spec}.`),
          table(
            ["detector", "detected after [s]", "false alarms before onset", "diagnosis"],
            [
              ["learned (PCA)", fmt(l.detectionS, 1), String(l.falsePositives), "– (a score, no cause)"],
              [
                "residual monitor",
                fmt(r.residual.detectionS, 1),
                String(r.residual.falsePositives),
                r.residual.finalDiagnosis || "–",
              ],
            ],
          ),
        ];
      }),
  );
  lrn.section.append(lrn.out);

  // ---------------------------------------------------------------- fault testing
  const ft = panel(
    root,
    "view-faulttest",
    "Fault testing",
    "A fault on the steady emulated rig, with optional sensor noise and bias on T_hot from the same onset: detection time, diagnosis, false positives, peak temperature and residual. To inject and clear faults by hand, use the Monitoring view's Fault injection.",
  );
  form(
    ft.section,
    [
      { id: "ft-kind", label: "fault", value: "pump_failure", kind: "select", options: faultOptions },
      { id: "ft-start", label: "start [s]", value: "120" },
      { id: "ft-severity", label: "severity", value: "1" },
      { id: "ft-noise", label: "noise [K rms]", value: "0" },
      { id: "ft-bias", label: "bias [K]", value: "0" },
      { id: "ft-duration", label: "duration [s]", value: "600" },
      { id: "ft-seed", label: "seed", value: "1" },
    ],
    "Run fault test",
    () =>
      runInto(ft.out, () => {
        const kind = str("ft-kind");
        const extra = `${kind.startsWith("sensor_") ? ",channel=cold" : ""}${["sensor_bias", "sensor_drift", "sensor_noise"].includes(kind) ? ",value=1.5" : ""}`;
        const spec = `${kind}:start=${num("ft-start")},severity=${num("ft-severity")}${extra}`;
        const r = runFaultTest(spec, {
          durationS: num("ft-duration"),
          seed: num("ft-seed"),
          noiseK: num("ft-noise"),
          biasK: num("ft-bias"),
        });
        return [
          table(
            ["figure", "value"],
            [
              ["fault", spec],
              ["detection time", `${fmt(r.residual.detectionS, 1)} s after the onset`],
              ["first diagnosis", r.residual.firstDiagnosis || "–"],
              ["diagnosis at the end", r.residual.finalDiagnosis || "–"],
              ["false positives (before the onset)", String(r.residual.falsePositives)],
              ["peak T_hot", `${fmt(r.peakTHotC, 2)} C`],
              ["peak |residual|", `${fmt(r.peakResidualBands, 1)} bands`],
            ],
          ),
        ];
      }),
  );
  ft.section.append(ft.out);

  // ---------------------------------------------------------------- analysis
  const an = panel(
    root,
    "view-analysis",
    "Analysis",
    `The residual monitor and the learned detector side by side on the same faults (${ANALYSIS_FAULTS.length} kinds, onset 120 s, 600 s runs) over several seeds: detection rate, mean response time, the residual monitor's diagnosis rate, and false alarms per hour on a nominal run. Each seed takes a few seconds.`,
  );
  form(
    an.section,
    [
      { id: "an-seeds", label: "seeds", value: "2" },
      { id: "an-nominal", label: "nominal run [s]", value: "1800" },
    ],
    "Run analysis",
    () =>
      runInto(an.out, () => {
        const seedCount = Math.max(1, Math.min(10, Math.round(num("an-seeds"))));
        const a = runAnalysis(
          Array.from({ length: seedCount }, (_, i) => i + 1),
          ensureModel(),
          num("an-nominal"),
        );
        const pct = (x: number): string => `${Math.round(x * 100)} %`;
        return [
          el("p", "hint", `Learned model: ${learnedNote}.`),
          table(
            [
              "fault",
              "residual: detected",
              "learned: detected",
              "residual: response [s]",
              "learned: response [s]",
              "residual: right diagnosis",
            ],
            a.rows.map((r) => [
              r.fault,
              pct(r.residualRate),
              pct(r.learnedRate),
              fmt(r.residualMeanS, 1),
              fmt(r.learnedMeanS, 1),
              pct(r.diagnosedRate),
            ]),
          ),
          table(
            ["nominal run", "residual monitor", "learned"],
            [
              [
                `false alarms per hour (${a.nominalS} s)`,
                fmt(a.residualFalsePerHour, 1),
                fmt(a.learnedFalsePerHour, 1),
              ],
            ],
          ),
          el(
            "p",
            "hint",
            `Loop stability at the end of the nominal run (the monitor's classifier): ${a.nominalStability}.`,
          ),
        ];
      }),
  );
  an.section.append(an.out);

  return (view: string) => {
    for (const s of root.querySelectorAll<HTMLElement>("section")) s.hidden = s.id !== `view-${view}`;
  };
}
