/**
 * Loads and validates scenario files (schema: hil/README.md). Every problem is an
 * {@link InputFileError} naming the file, the line and the field, e.g.
 * `hil/scenarios/pump.yaml (line 14): steps[1].inject.duty: must be <= 255 (got 300)`.
 *
 * Pure: text in, {@link Scenario} out; reading files and folders is {@link loadScenarioFiles}'s job.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError, InputFileError } from "../core/errors.js";
import { DIAGNOSES, type Diagnosis } from "../detect/diagnosis/isolation.js";
import { MIN_LEARN_FIRST_S } from "../detect/learned/learnFirstTrainer.js";
import {
  type FaultSpec,
  isLinkFault,
  PHYSICAL_FAULT_KINDS,
  type PhysicalFaultKind,
  parseFaultSpec,
} from "../model/faultSpec.js";
import { makeLoopParams } from "../model/loopParams.js";
import { EVT_CODES, type EvtCode, LIMITS, PWM_CHANNELS, type PwmChannel } from "../protocol/messages.js";
import {
  ALARM_DETECTORS,
  type AlarmDetector,
  type AlarmMatch,
  alarmMatchText,
  type Condition,
  type CounterBound,
  DEFAULT_SETPOINTS,
  type Expectation,
  type ExpectationEntry,
  LINK_COUNTERS,
  type LinkCounter,
  type Scenario,
  type ScenarioRig,
  type Step,
  type StepAction,
  type StepTrigger,
  type TimeWindow,
  timeRefText,
} from "./scenario.js";
import { isSignalName, SIGNAL_NAMES, type SignalName } from "./signals.js";
import { parseWindow, WINDOW_KEYS } from "./timeWindowField.js";
import { YamlField } from "./yamlFields.js";

const TOP_KEYS = [
  "name",
  "description",
  "seed",
  "rig",
  "setpoints",
  "duration",
  "timeout",
  "tags",
  "steps",
  "expect",
  "learned",
] as const;
const RIG_KEYS = ["params", "ambient_probe", "noise_k_rms", "rate_hz", "start", "warmup_timeout"] as const;
const ACTION_KEYS = [
  "setpoints",
  "inject",
  "restore",
  "emu",
  "link",
  "heartbeat",
  "safe",
  "info",
  "rate",
  "acknowledge",
  "note",
] as const;
const STEP_KEYS = ["name", "at", "wait_until", "timeout", "expect_nak", ...ACTION_KEYS] as const;
const EXPECTATION_KINDS = ["alarm", "no_alarm", "band", "event", "recovery", "gap", "link"] as const;
const GAP_REASONS = ["disconnect", "seq", "reboot"] as const;
const SEVERITIES = ["warning", "critical"] as const;
/** Longest scenario: 48 h of rig time. */
const MAX_DURATION_S = 48 * 3600;
/** Default time a `wait_until` may wait [s]. */
export const DEFAULT_WAIT_TIMEOUT_S = 600;

/** Parses one scenario from its text; `file` names it in errors. */
export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0]?.line;
    throw new InputFileError(
      file,
      `not valid YAML: ${first.message.split("\n")[0]}`,
      line !== undefined ? { line } : {},
    );
  }
  const root = YamlField.root(file, doc.contents as never, lc);
  if (!root.isMap())
    root.fail("a scenario must be a mapping with name, duration, steps and expect", undefined);
  root.allowKeys(TOP_KEYS);

  const name = root.get("name").text();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    root.get("name").fail("must be letters, digits, '-', '_' or '.' (it names output files)");
  const description = root.get("description").present ? root.get("description").string().trim() : "";
  const seed = root.get("seed").present
    ? root.get("seed").number({ integer: true, min: 0, max: 4294967295 })
    : 1;
  const rig = parseRig(root.get("rig"));
  const setpoints = root.get("setpoints").present
    ? { ...DEFAULT_SETPOINTS, ...parseDuties(root.get("setpoints")) }
    : DEFAULT_SETPOINTS;
  const durationS = root.get("duration").seconds({ min: 0, minExclusive: true, max: MAX_DURATION_S });
  const timeoutField = root.get("timeout");
  const timeoutS = timeoutField.present ? timeoutField.seconds({ min: 0, minExclusive: true }) : undefined;
  const tags = root.get("tags").present
    ? root
        .get("tags")
        .items()
        .map((t) => t.text())
    : [];

  const steps = root.get("steps").present
    ? root
        .get("steps")
        .items()
        .map((s, i) => parseStep(s, i))
    : [];
  checkSteps(steps, root.get("steps"), durationS);
  const stepNames = new Set(steps.map((s) => s.name));
  const expectField = root.get("expect").required();
  const expectations = expectField.items().map((e) => parseExpectation(e, stepNames));
  if (expectations.length === 0)
    expectField.fail("needs at least one expectation (a scenario must check something)", undefined);
  const learned = parseLearned(root.get("learned"));

  const scenario: Scenario = {
    file,
    name,
    description,
    seed,
    rig,
    setpoints,
    durationS,
    tags,
    steps,
    expectations,
    ...(timeoutS !== undefined ? { timeoutS } : {}),
    ...(learned !== undefined ? { learned } : {}),
  };
  return scenario;
}

function parseRig(f: YamlField): ScenarioRig {
  const defaults: ScenarioRig = {
    params: {},
    ambientProbe: true,
    rateHz: 10,
    start: "steady",
    warmupTimeoutS: 3600,
  };
  if (!f.present) return defaults;
  f.allowKeys(RIG_KEYS);
  const params: Record<string, number> = {};
  const p = f.get("params");
  if (p.present) {
    for (const k of p.keys()) params[k] = p.get(k).number();
    try {
      makeLoopParams(params);
    } catch (e) {
      if (e instanceof ConfigError)
        p.get(e.field in params ? e.field : (p.keys()[0] ?? "")).fail(e.message, undefined);
      throw e;
    }
  }
  const noise = f.get("noise_k_rms");
  return {
    params,
    ambientProbe: f.get("ambient_probe").present ? f.get("ambient_probe").boolean() : true,
    ...(noise.present ? { noiseKRms: noise.number({ min: 0 }) } : {}),
    rateHz: f.get("rate_hz").present
      ? f.get("rate_hz").number({ integer: true, min: LIMITS.rateHzMin, max: LIMITS.rateHzMax })
      : 10,
    start: f.get("start").present ? f.get("start").oneOf(["steady", "ambient"] as const) : "steady",
    warmupTimeoutS: f.get("warmup_timeout").present
      ? f.get("warmup_timeout").seconds({ min: 0, minExclusive: true })
      : 3600,
  };
}

function parseDuty(f: YamlField): number {
  return f.number({ integer: true, min: 0, max: LIMITS.dutyMax });
}

function parseDuties(f: YamlField): Partial<Record<PwmChannel, number>> {
  f.allowKeys(PWM_CHANNELS);
  const out: Partial<Record<PwmChannel, number>> = {};
  for (const ch of PWM_CHANNELS) if (f.get(ch).present) out[ch] = parseDuty(f.get(ch));
  if (Object.keys(out).length === 0) f.fail("names no channel (pump, heater or fan)", undefined);
  return out;
}

function parseStep(f: YamlField, index: number): Step {
  if (!f.isMap()) f.fail("a step must be a mapping (at or wait_until, and one action)");
  f.allowKeys(STEP_KEYS);
  const name = f.get("name").present ? f.get("name").text() : `step ${index + 1}`;
  if (/[+]/.test(name) || name === "end")
    f.get("name").fail('must not contain "+" nor be "end" (time references use them)');
  let trigger: StepTrigger;
  const at = f.get("at");
  const wait = f.get("wait_until");
  if (at.present && wait.present) f.fail("has both at and wait_until (one trigger per step)", undefined);
  if (at.present) {
    trigger = { kind: "at", tS: at.seconds({ min: 0 }) };
    if (f.get("timeout").present) f.get("timeout").fail("only a wait_until step takes a timeout");
  } else if (wait.present) {
    const timeoutS = f.get("timeout").present
      ? f.get("timeout").seconds({ min: 0, minExclusive: true })
      : DEFAULT_WAIT_TIMEOUT_S;
    trigger = { kind: "wait_until", condition: parseCondition(wait), timeoutS };
  } else {
    f.fail("needs a trigger: at (rig seconds) or wait_until (a condition)", undefined);
  }
  const actionKeys = ACTION_KEYS.filter((k) => f.has(k));
  if (actionKeys.length > 1)
    f.fail(`has several actions (${actionKeys.join(", ")}): one action per step`, undefined);
  const key = actionKeys[0];
  let action: StepAction;
  if (key === undefined) {
    if (trigger.kind === "at") f.fail(`needs an action (one of ${ACTION_KEYS.join(", ")})`, undefined);
    action = { kind: "mark" };
  } else {
    action = parseAction(key, f.get(key));
  }
  const nak = f.get("expect_nak");
  let expectNak: string | undefined;
  if (nak.present) {
    expectNak = nak.text();
    if (
      action.kind === "note" ||
      action.kind === "acknowledge" ||
      action.kind === "mark" ||
      action.kind === "heartbeat"
    )
      nak.fail(`a ${action.kind} step sends no command to refuse`);
  }
  return {
    name,
    line: f.line,
    trigger,
    action,
    ...(expectNak !== undefined ? { expectNak } : {}),
  };
}

function parseFault(f: YamlField): { spec: FaultSpec; text: string } {
  const text = f.string().trim();
  try {
    return { spec: parseFaultSpec(text, "fault spec"), text };
  } catch (e) {
    if (e instanceof ConfigError) f.fail(e.message, undefined);
    throw e;
  }
}

function parseAction(key: (typeof ACTION_KEYS)[number], f: YamlField): StepAction {
  switch (key) {
    case "setpoints":
      return { kind: "setpoints", duties: parseDuties(f) };
    case "inject": {
      f.allowKeys(["channel", "duty", "hold", "fault"]);
      const fault = f.get("fault").oneOf(PHYSICAL_FAULT_KINDS) as PhysicalFaultKind;
      const holdS = f.get("hold").seconds({ min: 0.001, max: LIMITS.holdMsMax / 1000 });
      return {
        kind: "inject",
        channel: f.get("channel").oneOf(PWM_CHANNELS),
        duty: parseDuty(f.get("duty")),
        holdMs: Math.round(holdS * 1000),
        fault,
      };
    }
    case "restore": {
      const ch = f.text();
      if (ch === "all") return { kind: "restore" };
      return { kind: "restore", channel: f.oneOf(PWM_CHANNELS) };
    }
    case "emu": {
      if (f.isScalar() && f.rawValue() === "clear") return { kind: "emu_clear" };
      const { spec, text } = parseFault(f);
      if (isLinkFault(spec.kind)) f.fail(`${spec.kind} is a link fault: write it as link: (not emu:)`);
      return { kind: "emu", spec, text };
    }
    case "link": {
      const { spec, text } = parseFault(f);
      if (!isLinkFault(spec.kind))
        f.fail("must be a link fault (link_corrupt, link_drop, link_disconnect, device_reboot)");
      return { kind: "link", spec, text };
    }
    case "heartbeat": {
      const v = f.rawValue();
      if (v === "on" || v === true) return { kind: "heartbeat", on: true };
      if (v === "off" || v === false) return { kind: "heartbeat", on: false };
      return f.fail("must be on or off");
    }
    case "safe":
      if (f.boolean() !== true) f.fail("write safe: true");
      return { kind: "safe" };
    case "info":
      if (f.boolean() !== true) f.fail("write info: true");
      return { kind: "info" };
    case "rate":
      return { kind: "rate", hz: f.number({ integer: true, min: LIMITS.rateHzMin, max: LIMITS.rateHzMax }) };
    case "acknowledge": {
      const c = f.text();
      return c === "all" ? { kind: "acknowledge" } : { kind: "acknowledge", cause: c };
    }
    case "note":
      return { kind: "note", text: f.string() };
  }
}

function parseCondition(f: YamlField): Condition {
  if (f.isScalar()) {
    if (f.rawValue() === "steady") return { kind: "steady", maxRateKPerMin: 0.05, forS: 120 };
    f.fail("must be steady, or a mapping with signal, event, alarm, gap or steady");
  }
  const kinds = ["signal", "event", "alarm", "gap", "steady"].filter((k) => f.has(k));
  if (kinds.length !== 1) f.fail("needs exactly one of signal, event, alarm, gap or steady", undefined);
  switch (kinds[0]) {
    case "signal": {
      f.allowKeys(["signal", "above", "below"]);
      const signal = parseSignal(f.get("signal"));
      const above = f.get("above").present ? f.get("above").number() : undefined;
      const below = f.get("below").present ? f.get("below").number() : undefined;
      if (above === undefined && below === undefined)
        f.fail("a signal condition needs above or below", undefined);
      return {
        kind: "signal",
        signal,
        ...(above !== undefined ? { above } : {}),
        ...(below !== undefined ? { below } : {}),
      };
    }
    case "event": {
      f.allowKeys(["event", "detail"]);
      const detail = f.get("detail").present ? f.get("detail").text() : undefined;
      return {
        kind: "event",
        code: f.get("event").oneOf(EVT_CODES) as EvtCode,
        ...(detail !== undefined ? { detail } : {}),
      };
    }
    case "alarm":
      f.allowKeys(["alarm", "cause", "severity", "detector"]);
      return { kind: "alarm", match: parseAlarmMatch(f, "alarm") };
    case "gap": {
      f.allowKeys(["gap"]);
      const g = f.get("gap").text();
      return g === "any" ? { kind: "gap" } : { kind: "gap", reason: f.get("gap").oneOf(GAP_REASONS) };
    }
    default: {
      f.allowKeys(["steady"]);
      const s = f.get("steady");
      if (s.isScalar() && s.rawValue() === true) return { kind: "steady", maxRateKPerMin: 0.05, forS: 120 };
      s.allowKeys(["rate", "for"]);
      return {
        kind: "steady",
        maxRateKPerMin: s.get("rate").present ? s.get("rate").number({ min: 0, minExclusive: true }) : 0.05,
        forS: s.get("for").present ? s.get("for").seconds({ min: 0, minExclusive: true }) : 120,
      };
    }
  }
}

function parseSignal(f: YamlField): SignalName {
  const s = f.text();
  if (!isSignalName(s)) f.fail(`unknown signal (one of ${SIGNAL_NAMES.join(", ")})`);
  return s;
}

/**
 * The alarm selector under `key` (a diagnosis name, `any`, or a mapping with diagnosis, cause,
 * severity, detector), plus `cause`/`severity`/`detector` beside it.
 */
function parseAlarmMatch(parent: YamlField, key: string): AlarmMatch {
  const f = parent.get(key).required();
  let diagnosis: Diagnosis | undefined;
  let cause: string | undefined;
  let severity: AlarmMatch["severity"];
  let detector: AlarmDetector | undefined;
  if (f.isMap()) {
    f.allowKeys(["diagnosis", "cause", "severity", "detector"]);
    if (f.get("diagnosis").present) diagnosis = f.get("diagnosis").oneOf(DIAGNOSES);
    if (f.get("cause").present) cause = f.get("cause").text();
    if (f.get("severity").present) severity = f.get("severity").oneOf(SEVERITIES);
    if (f.get("detector").present) detector = f.get("detector").oneOf(ALARM_DETECTORS);
  } else {
    const v = f.text();
    if (v !== "any") diagnosis = f.oneOf(DIAGNOSES);
  }
  if (parent.has("cause")) cause = parent.get("cause").text();
  if (parent.has("severity")) severity = parent.get("severity").oneOf(SEVERITIES);
  if (parent.has("detector")) detector = parent.get("detector").oneOf(ALARM_DETECTORS);
  return {
    ...(diagnosis !== undefined ? { diagnosis } : {}),
    ...(cause !== undefined ? { cause } : {}),
    ...(severity !== undefined ? { severity } : {}),
    ...(detector !== undefined ? { detector } : {}),
  };
}

/** `learned: { learn_first: S }` (see {@link Scenario.learned}). */
function parseLearned(f: YamlField): Scenario["learned"] {
  if (!f.present) return undefined;
  if (!f.isMap()) f.fail("must be a mapping: learned: { learn_first: 60 s }");
  f.allowKeys(["learn_first"]);
  const spanField = f.get("learn_first").required();
  const learnFirstS = spanField.seconds({ min: MIN_LEARN_FIRST_S });
  return { learnFirstS };
}

function parseExpectation(f: YamlField, steps: ReadonlySet<string>): ExpectationEntry {
  if (!f.isMap()) f.fail(`an expectation must be a mapping with one of ${EXPECTATION_KINDS.join(", ")}`);
  const kinds = EXPECTATION_KINDS.filter((k) => f.has(k));
  if (kinds.length !== 1)
    f.fail(
      `needs exactly one of ${EXPECTATION_KINDS.join(", ")} (got ${kinds.join(", ") || "none"})`,
      undefined,
    );
  const kind = kinds[0] as (typeof EXPECTATION_KINDS)[number];
  const common = ["name", kind];
  let e: Expectation;
  switch (kind) {
    case "alarm":
    case "no_alarm":
    case "recovery":
      f.allowKeys([...common, "cause", "severity", "detector", ...WINDOW_KEYS]);
      e = { kind, match: parseAlarmMatch(f, kind), window: parseWindow(f, steps, kind !== "no_alarm") };
      break;
    case "band": {
      f.allowKeys([...common, "min", "max", ...WINDOW_KEYS]);
      const min = f.get("min").present ? f.get("min").number() : Number.NEGATIVE_INFINITY;
      const max = f.get("max").present ? f.get("max").number() : Number.POSITIVE_INFINITY;
      if (!f.get("min").present && !f.get("max").present) f.fail("a band needs min, max or both", undefined);
      if (!(min <= max)) f.get("max").fail(`must be >= min (${min})`);
      e = { kind, signal: parseSignal(f.get("band")), min, max, window: parseWindow(f, steps, false) };
      break;
    }
    case "event": {
      f.allowKeys([...common, "detail", ...WINDOW_KEYS]);
      const detail = f.get("detail").present ? f.get("detail").text() : undefined;
      e = {
        kind,
        code: f.get("event").oneOf(EVT_CODES) as EvtCode,
        ...(detail !== undefined ? { detail } : {}),
        window: parseWindow(f, steps, true),
      };
      break;
    }
    case "gap": {
      f.allowKeys([...common, ...WINDOW_KEYS]);
      const g = f.get("gap").text();
      e = {
        kind,
        ...(g === "any" ? {} : { reason: f.get("gap").oneOf(GAP_REASONS) }),
        window: parseWindow(f, steps, true),
      };
      break;
    }
    case "link": {
      f.allowKeys(common);
      const l = f.get("link");
      l.allowKeys(LINK_COUNTERS);
      const bounds: Partial<Record<LinkCounter, CounterBound>> = {};
      for (const c of LINK_COUNTERS) {
        const b = l.get(c);
        if (!b.present) continue;
        b.allowKeys(["min", "max"]);
        const min = b.get("min").present ? b.get("min").number({ min: 0 }) : undefined;
        const max = b.get("max").present ? b.get("max").number({ min: 0 }) : undefined;
        if (min === undefined && max === undefined) b.fail("needs min, max or both", undefined);
        bounds[c] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
      }
      if (Object.keys(bounds).length === 0)
        l.fail(`names no counter (one of ${LINK_COUNTERS.join(", ")})`, undefined);
      e = { kind, bounds };
      break;
    }
  }
  const name = f.get("name").present ? f.get("name").text() : describeExpectation(e);
  return { name, line: f.line, expectation: e };
}

/** A one-line description of an expectation, e.g. `pump_failure alarm within pump-off .. pump-off + 2 s`. */
export function describeExpectation(e: Expectation): string {
  const win = (w: TimeWindow): string => `${timeRefText(w.from)} .. ${timeRefText(w.to)}`;
  switch (e.kind) {
    case "alarm":
      return `${alarmMatchText(e.match)} raised in ${win(e.window)}`;
    case "no_alarm":
      return `no ${alarmMatchText(e.match).replace(/^any /, "")} in ${win(e.window)}`;
    case "recovery":
      return `${alarmMatchText(e.match)} cleared in ${win(e.window)}`;
    case "band":
      return `${e.signal} within [${e.min}, ${e.max}] over ${win(e.window)}`;
    case "event":
      return `EVT ${e.code}${e.detail !== undefined ? ` ${e.detail}` : ""} in ${win(e.window)}`;
    case "gap":
      return `${e.reason ?? "any"} gap marked in ${win(e.window)}`;
    case "link":
      return `link counters ${Object.entries(e.bounds)
        .map(
          ([k, b]) =>
            `${k}${b.min !== undefined ? ` >= ${b.min}` : ""}${b.max !== undefined ? ` <= ${b.max}` : ""}`,
        )
        .join(", ")}`;
  }
}

function checkSteps(steps: readonly Step[], f: YamlField, durationS: number): void {
  const seen = new Set<string>();
  // `at` times rise in file order; after a wait_until they start over (an `at` already passed
  // by then runs at once).
  let lastAt = 0;
  for (const s of steps) {
    if (seen.has(s.name))
      throw new InputFileError(f.file, `steps: step name ${JSON.stringify(s.name)} used twice`, {
        line: s.line,
      });
    seen.add(s.name);
    if (s.trigger.kind === "at") {
      if (s.trigger.tS > durationS)
        throw new InputFileError(
          f.file,
          `steps: ${s.name}: at ${s.trigger.tS} s is after the duration (${durationS} s)`,
          { line: s.line },
        );
      if (s.trigger.tS < lastAt)
        throw new InputFileError(
          f.file,
          `steps: ${s.name}: at ${s.trigger.tS} s is before the previous step (${lastAt} s); steps run in file order`,
          { line: s.line },
        );
      lastAt = s.trigger.tS;
    } else lastAt = 0;
  }
}

/** Reads and parses one file (`displayPath` names it in errors). */
export function loadScenarioFile(path: string, displayPath = path): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputFileError(displayPath, `cannot read (${(e as Error).message})`);
  }
  return parseScenario(text, displayPath);
}

/**
 * The scenario files under `paths` (files, or folders searched for `*.yaml`/`*.yml`, sorted by
 * name), parsed. Two scenarios with one name are an error (their outputs would collide).
 */
export function loadScenarioFiles(paths: readonly string[], cwd: string): Scenario[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = join(p.startsWith("/") ? "" : cwd, p);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch {
      throw new ConfigError("PATHS", p, "no such file or folder");
    }
    if (st.isDirectory()) {
      const found = readdirSync(abs)
        .filter((n) => /\.ya?ml$/.test(n))
        .sort()
        .map((n) => join(abs, n));
      if (found.length === 0) throw new ConfigError("PATHS", p, "folder holds no .yaml scenario");
      files.push(...found);
    } else files.push(abs);
  }
  const scenarios = files.map((f) => loadScenarioFile(f, relative(cwd, f) || f));
  const byName = new Map<string, string>();
  for (const s of scenarios) {
    const other = byName.get(s.name);
    if (other !== undefined && other !== s.file)
      throw new InputFileError(s.file, `name ${JSON.stringify(s.name)} is also the name of ${other}`, {
        line: 1,
      });
    byName.set(s.name, s.file);
  }
  return scenarios;
}
