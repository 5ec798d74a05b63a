/**
 * Scenario time in a scenario file (hil/README.md): time references (`12`, `90 s`, `end - 10`,
 * `pump-off + 2 min`, relative to a named step or the end) and the windows of expectations built
 * from them (`after` with `within`, or `from`/`to`). Pure: YAML fields in, {@link TimeRef} and
 * {@link TimeWindow} out, every problem an InputFileError naming the field.
 */
import type { TimeRef, TimeWindow } from "./scenario.js";
import type { YamlField } from "./yamlFields.js";

/** The keys of a window, allowed beside an expectation's own. */
export const WINDOW_KEYS = ["after", "within", "from", "to"] as const;

/** `12`, `90 s`, `end`, `end - 10`, `pump-off`, `pump-off + 30`, `pump-off + 2 min`. */
function parseTimeRef(f: YamlField, steps: ReadonlySet<string>): TimeRef {
  const v = f.rawValue();
  if (typeof v === "number") return { kind: "abs", tS: f.seconds({ min: 0 }) };
  const text = f.text().trim();
  const m = /^(.*?)\s*([+-])\s*([0-9.]+\s*(?:ms|s|min|h)?)$/.exec(text);
  let base = text;
  let offsetS = 0;
  if (m !== null && (steps.has(m[1] ?? "") || m[1] === "end")) {
    base = m[1] ?? "";
    const d = parseDurationText(m[3] ?? "");
    if (d === undefined) f.fail("offset must be a duration");
    offsetS = m[2] === "-" ? -d : d;
  }
  if (base === "end") return { kind: "end", offsetS };
  if (steps.has(base)) return { kind: "step", step: base, offsetS };
  const asDuration = parseDurationText(text);
  if (asDuration !== undefined) return { kind: "abs", tS: asDuration };
  return f.fail(`names no step (steps: ${[...steps].join(", ") || "none"}), and is not a time nor "end"`);
}

/** `90`, `90 s`, `500 ms`, `2 min`, `1.5 h` in seconds; undefined when it is none of these. */
function parseDurationText(t: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)?\s*$/.exec(t);
  if (m === null) return undefined;
  const unit = m[2] ?? "s";
  return Number(m[1]) * (unit === "ms" ? 0.001 : unit === "min" ? 60 : unit === "h" ? 3600 : 1);
}

/** `r` moved by `byS` seconds. */
function shift(r: TimeRef, byS: number): TimeRef {
  switch (r.kind) {
    case "abs":
      return { kind: "abs", tS: r.tS + byS };
    case "step":
      return { ...r, offsetS: r.offsetS + byS };
    case "end":
      return { ...r, offsetS: r.offsetS + byS };
  }
}

/**
 * A window of scenario time from `after` (with `within`) or `from`/`to` beside the expectation's
 * other keys; `needsEnd`: an open end is an error (else it runs to the end).
 */
export function parseWindow(f: YamlField, steps: ReadonlySet<string>, needsEnd: boolean): TimeWindow {
  const after = f.get("after");
  const within = f.get("within");
  const from = f.get("from");
  const to = f.get("to");
  if (after.present && from.present) f.fail("give after (with within) or from/to, not both", undefined);
  if (within.present && to.present) f.fail("give within or to, not both", undefined);
  const start: TimeRef = after.present
    ? parseTimeRef(after, steps)
    : from.present
      ? parseTimeRef(from, steps)
      : { kind: "abs", tS: 0 };
  let end: TimeRef;
  if (within.present) end = shift(start, within.seconds({ min: 0, minExclusive: true }));
  else if (to.present) end = parseTimeRef(to, steps);
  else if (needsEnd) return f.fail("needs a window end: within (seconds after) or to", undefined);
  else end = { kind: "end", offsetS: 0 };
  return { from: start, to: end };
}
