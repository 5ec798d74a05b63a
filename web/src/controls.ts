/**
 * The page's controls: setpoint sliders (pump, heater, fan), loop-parameter sliders (standalone),
 * one button per fault kind the plant takes (docs/design.md 5, the fault-spec grammar) with its
 * severity, ramp, channel, value and hold, a typed fault spec, and "end all faults". Each
 * control calls the {@link PageControl}; a refusal comes back as a one-line message.
 */
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import {
  type FaultKind,
  FLOW_METER_FAULT_KINDS,
  PHYSICAL_FAULT_KINDS,
  SENSOR_FAULT_KINDS,
} from "../../src/model/faultSpec.js";
import { LOOP_PARAM_SPECS, type LoopParamName } from "../../src/model/loopParams.js";
import { byId, el } from "./dom.js";
import type { PageControl } from "./pageControl.js";

/** The loop parameters offered as sliders, with the range the slider covers. */
export const PARAM_SLIDERS: readonly { name: LoopParamName; min: number; max: number; step: number }[] = [
  { name: "UA", min: 2, max: 30, step: 0.5 },
  { name: "UA_loss", min: 0, max: 2, step: 0.05 },
  { name: "C_hot", min: 500, max: 10000, step: 100 },
  { name: "C_cold", min: 500, max: 10000, step: 100 },
  { name: "m_dot_max", min: 0.01, max: 0.2, step: 0.0025 },
  { name: "Q_heater_max", min: 20, max: 400, step: 5 },
  { name: "T_sink", min: 5, max: 45, step: 0.5 },
  { name: "T_amb", min: 5, max: 45, step: 0.5 },
];

/** Fault kinds with a button: those the plant (and a real rig's injector) takes; link faults need a link. */
export const BUTTON_FAULT_KINDS: readonly FaultKind[] = [
  ...PHYSICAL_FAULT_KINDS,
  ...SENSOR_FAULT_KINDS,
  ...FLOW_METER_FAULT_KINDS,
];

const VALUE_KINDS: readonly FaultKind[] = ["sensor_bias", "sensor_drift", "sensor_noise"];
const DUTY_NAMES = ["pump", "heater", "fan"] as const;
type DutyName = (typeof DUTY_NAMES)[number];
const DUTY_KEY: Record<DutyName, keyof OperatorSetpoints> = {
  pump: "pumpDuty",
  heater: "heaterDuty",
  fan: "fanDuty",
};

/** A labelled range input with its value read out; `onCommit` on release or a key step. */
function slider(
  id: string,
  label: string,
  min: number,
  max: number,
  step: number,
  value: number,
  unit: string,
  onCommit: (v: number) => void,
): { root: HTMLElement; input: HTMLInputElement; output: HTMLOutputElement; applied: HTMLElement } {
  const root = el("div", "slider");
  const lab = el("label", "", label);
  lab.htmlFor = id;
  const input = el("input");
  input.type = "range";
  input.id = id;
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
  const output = el("output");
  output.htmlFor.add(id);
  const show = (): void => {
    output.textContent = `${input.value}${unit}`;
  };
  show();
  const applied = el("span", "applied");
  output.append(applied);
  input.addEventListener("input", () => {
    show();
    output.append(applied);
  });
  input.addEventListener("change", () => onCommit(Number(input.value)));
  root.append(lab, input, output);
  return { root, input, output, applied };
}

export interface ControlsOptions {
  readonly control: PageControl;
  /** Shows a one-line message (or clears it with ""). */
  readonly say: (text: string) => void;
  readonly setpoints: OperatorSetpoints;
  /** Standalone only: a loop parameter changed. */
  readonly onParam?: (name: LoopParamName, value: number) => void;
  readonly params?: Readonly<Record<LoopParamName, number>>;
}

export class Controls {
  private readonly opts: ControlsOptions;
  private setpoints: OperatorSetpoints;
  private readonly dutySliders = new Map<DutyName, ReturnType<typeof slider>>();

  constructor(opts: ControlsOptions) {
    this.opts = opts;
    this.setpoints = opts.setpoints;
    this.buildSetpoints();
    if (opts.onParam && opts.params) this.buildParams(opts.onParam, opts.params);
    this.buildFaults();
  }

  private async run(action: Promise<string | null>): Promise<void> {
    const problem = await action;
    this.opts.say(problem ?? "");
  }

  private buildSetpoints(): void {
    const box = byId("setpoints");
    for (const name of DUTY_NAMES) {
      const s = slider(`sp-${name}`, name, 0, 255, 1, this.setpoints[DUTY_KEY[name]], "", (v) => {
        this.setpoints = { ...this.setpoints, [DUTY_KEY[name]]: v };
        void this.run(this.opts.control.setSetpoints(this.setpoints));
      });
      this.dutySliders.set(name, s);
      box.append(s.root);
    }
  }

  /** The setpoints as the source reports them, and the applied duties beside each slider. */
  showDuties(setpoints: OperatorSetpoints, applied: OperatorSetpoints): void {
    for (const name of DUTY_NAMES) {
      const s = this.dutySliders.get(name);
      if (s === undefined) continue;
      const key = DUTY_KEY[name];
      if (document.activeElement !== s.input && Number(s.input.value) !== setpoints[key]) {
        s.input.value = String(setpoints[key]);
        s.output.firstChild!.textContent = String(setpoints[key]);
      }
      const a = Number.isFinite(applied[key]) ? `applied ${applied[key]}` : "";
      if (s.applied.textContent !== a) s.applied.textContent = a;
    }
    this.setpoints = setpoints;
  }

  private buildParams(
    onParam: (name: LoopParamName, v: number) => void,
    params: Readonly<Record<LoopParamName, number>>,
  ): void {
    const box = byId("params");
    for (const p of PARAM_SLIDERS) {
      const spec = LOOP_PARAM_SPECS.find((s) => s.name === p.name);
      const unit = spec ? ` ${spec.unit}` : "";
      const s = slider(`param-${p.name}`, p.name, p.min, p.max, p.step, params[p.name], unit, (v) =>
        onParam(p.name, v),
      );
      if (spec) s.root.title = spec.doc;
      box.append(s.root);
    }
  }

  /** The fault spec a kind's button injects, from the option fields. */
  specFor(kind: FaultKind): string {
    const num = (id: string): number => Number(byId<HTMLInputElement>(id).value);
    const parts: string[] = [];
    const severity = num("f-severity");
    const ramp = num("f-ramp");
    const hold = num("f-duration");
    if (severity !== 1) parts.push(`severity=${severity}`);
    if (ramp > 0) parts.push(`ramp=${ramp}`);
    if (hold > 0) parts.push(`end=${hold}`);
    if ((SENSOR_FAULT_KINDS as readonly string[]).includes(kind))
      parts.push(`channel=${byId<HTMLSelectElement>("f-channel").value}`);
    if (VALUE_KINDS.includes(kind)) parts.push(`value=${num("f-value")}`);
    return parts.length === 0 ? kind : `${kind}:${parts.join(",")}`;
  }

  private buildFaults(): void {
    const box = byId("fault-buttons");
    for (const kind of BUTTON_FAULT_KINDS) {
      const b = el("button", "", kind.replace(/_/g, " "));
      b.type = "button";
      b.dataset.fault = kind;
      b.addEventListener("click", () => void this.run(this.opts.control.inject(this.specFor(kind))));
      box.append(b);
    }
    const form = byId<HTMLFormElement>("fault-form");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = byId<HTMLInputElement>("fault-spec").value.trim();
      if (text === "") {
        this.opts.say("fault spec: empty (e.g. pump_degradation:severity=0.3,ramp=20)");
        return;
      }
      void this.run(this.opts.control.inject(text));
    });
    byId("end-faults").addEventListener("click", () => void this.run(this.opts.control.endFaults()));
  }
}
