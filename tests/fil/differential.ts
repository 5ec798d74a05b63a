/**
 * Differential comparison of two implementations of the device on the same scripted inputs: the
 * lines each wrote, compared as the host sees them. Event lines (HELLO, ACK, NAK, EVT) must be
 * the same lines in the same order, at about the same time; TLM lines must agree field by field
 * (sequence, time, counts, pulses, duties, flags) wherever the inputs have been still for a
 * moment. HELLO's firmware name, version, board and uid identify the implementation and are not
 * compared; numbers in `EVT,HB_LOST` (milliseconds) are compared within the timing tolerance.
 */
import { WIRE_FIELDS } from "../../src/protocol/messages.js";
import type { TimedLine } from "./sessionScript.js";

export interface CompareOptions {
  /** Largest difference in arrival time of matching event lines [ms]. */
  readonly eventTolMs: number;
  /** Largest difference of TLM `t_ms` and of HB_LOST's milliseconds [ms]. */
  readonly timeTolMs: number;
  /** Times at which an input changed (commands, sensors) [ms]. */
  readonly inputTimesMs: readonly number[];
  /** TLM fields are compared only when no input changed within this long before [ms]. */
  readonly settleMs: number;
  /** Compare TLM pulses (false once a session set a count the flow pin cannot make). */
  readonly comparePulses: (tMs: number) => boolean;
  /** Counts above this read as this on the firmware's ADC (its full scale). */
  readonly fullScaleCounts: number;
}

/** An event line without its CRC, with HELLO reduced to its version. */
export function eventKey(line: string): string {
  const body = line.slice(0, line.lastIndexOf("*"));
  if (body.startsWith("HELLO,")) return body.split(",").slice(0, 2).join(",");
  return body;
}

const TLM_FIELDS = WIRE_FIELDS.TLM;

/** Differences between run `a` (reference, e.g. the emulator) and run `b`, each one line of text. */
export function compareRuns(
  aName: string,
  a: readonly TimedLine[],
  bName: string,
  b: readonly TimedLine[],
  o: CompareOptions,
): string[] {
  const out: string[] = [];
  const ea = a.filter((l) => !l.line.startsWith("TLM,"));
  const eb = b.filter((l) => !l.line.startsWith("TLM,"));
  // Align the two event sequences (longest common subsequence of their keys, HB_LOST's number
  // left out), so one extra or missing line is reported once.
  const align = (k: string): string => (k.startsWith("EVT,HB_LOST,") ? "EVT,HB_LOST" : k);
  const ka = ea.map((l) => eventKey(l.line));
  const kb = eb.map((l) => eventKey(l.line));
  const lcs: number[][] = Array.from({ length: ka.length + 1 }, () =>
    new Array<number>(kb.length + 1).fill(0),
  );
  for (let i = ka.length - 1; i >= 0; i--)
    for (let j = kb.length - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        align(ka[i] as string) === align(kb[j] as string)
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
  const onlyA: TimedLine[] = [];
  const onlyB: TimedLine[] = [];
  let i = 0;
  let j = 0;
  while (i < ka.length || j < kb.length) {
    const x = ea[i];
    const y = eb[j];
    if (x !== undefined && y !== undefined && align(ka[i] as string) === align(kb[j] as string)) {
      const kx = ka[i] as string;
      const ky = kb[j] as string;
      const hbx = /^EVT,HB_LOST,(\d+)$/.exec(kx);
      const hby = /^EVT,HB_LOST,(\d+)$/.exec(ky);
      if (hbx !== null && hby !== null && Math.abs(Number(hbx[1]) - Number(hby[1])) > o.timeTolMs)
        out.push(`event ${kx}: ${aName} ${kx}, ${bName} ${ky}`);
      if (Math.abs(x.tMs - y.tMs) > o.eventTolMs)
        out.push(`event ${kx}: ${aName} at ${x.tMs} ms, ${bName} at ${y.tMs} ms`);
      i++;
      j++;
    } else if (
      y === undefined ||
      (x !== undefined && ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
    ) {
      onlyA.push(x as TimedLine);
      i++;
    } else {
      onlyB.push(y);
      j++;
    }
  }
  // Two lines written within the tolerance of each other may come in either order (a command
  // that arrived as a hold expired): the same line on both sides, close in time, is no difference.
  for (const x of onlyA) {
    const k = onlyB.findIndex(
      (y) => eventKey(y.line) === eventKey(x.line) && Math.abs(y.tMs - x.tMs) <= o.eventTolMs,
    );
    if (k >= 0) onlyB.splice(k, 1);
    else out.push(`event: only ${aName} wrote ${eventKey(x.line)} (${x.tMs} ms)`);
  }
  for (const y of onlyB) out.push(`event: only ${bName} wrote ${eventKey(y.line)} (${y.tMs} ms)`);
  // TLM: paired by time (each device keeps its own schedule from when it heard a RATE), fields
  // compared where neither an input nor an event (a state change) is near.
  const tlmOf = (lines: readonly TimedLine[]): string[][] =>
    lines
      .filter((l) => l.line.startsWith("TLM,"))
      .map((l) => l.line.slice(0, l.line.lastIndexOf("*")).split(","));
  const ta = tlmOf(a);
  const tb = tlmOf(b);
  const changes = [...o.inputTimesMs, ...ea.map((l) => l.tMs), ...eb.map((l) => l.tMs)];
  const quiet = (t: number): boolean => !changes.some((u) => Math.abs(t - u) < o.settleMs);
  for (const [name, list] of [
    [aName, ta],
    [bName, tb],
  ] as const) {
    for (let k = 1; k < list.length; k++) {
      const prev = Number((list[k - 1] as string[])[1]);
      const seq = Number((list[k] as string[])[1]);
      if (seq !== prev + 1 && seq !== 0) out.push(`${name} TLM seq ${prev} then ${seq}`);
    }
  }
  let i2 = 0;
  let j2 = 0;
  while (i2 < ta.length && j2 < tb.length) {
    const x = ta[i2] as string[];
    const y = tb[j2] as string[];
    const tx = Number(x[2]);
    const ty = Number(y[2]);
    if (Math.abs(tx - ty) > o.timeTolMs) {
      const [who, t] = tx < ty ? [aName, tx] : [bName, ty];
      if (quiet(t)) out.push(`TLM at t_ms ${t}: only ${who} wrote one`);
      if (tx < ty) i2++;
      else j2++;
      continue;
    }
    i2++;
    j2++;
    const t = Math.min(tx, ty);
    if (!quiet(t)) continue;
    for (let f = 2; f < TLM_FIELDS.length; f++) {
      const name = TLM_FIELDS[f] as string;
      if (name === "pulses" && !o.comparePulses(t)) continue;
      let vx = x[f + 1] as string;
      const vy = y[f + 1] as string;
      if (name.startsWith("adc_") && Number(vx) > o.fullScaleCounts) vx = String(o.fullScaleCounts);
      if (vx !== vy) out.push(`TLM at t_ms ${t}: ${name} ${aName} ${vx}, ${bName} ${vy}`);
    }
  }
  return out;
}
