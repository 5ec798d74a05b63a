/**
 * The dashboard's dialogs as data (pure): which one is open, its title and lines, and the forms
 * the keys open (a setpoint, the tuning form). The screen draws the open one as a box and feeds
 * it every key, so no widget ever grabs the keyboard and Ctrl-C always quits.
 */
import { ConfigError } from "../core/errors.js";
import type { FaultMenuItem } from "../session/injection.js";
import { helpLines } from "./keyBindings.js";

/** The dialog open now. */
export type Modal =
  | { readonly kind: "none" }
  | { readonly kind: "help" }
  | { readonly kind: "menu"; readonly items: readonly FaultMenuItem[] }
  | {
      readonly kind: "input";
      readonly title: string;
      readonly prompt: string;
      value: string;
      error: string;
      readonly onSubmit: (value: string) => void | Promise<void>;
      /** Lines shown above the prompt (the tuning form's current values). */
      readonly info: readonly string[];
    }
  | { readonly kind: "confirm"; readonly text: string; readonly onYes: () => void | Promise<void> };

/** A dialog's title (with its padding) and text lines, before wrapping. */
export function modalText(m: Exclude<Modal, { kind: "none" }>): { title: string; lines: string[] } {
  switch (m.kind) {
    case "help":
      return { title: " Help: keys ", lines: [...helpLines(), "", "any key closes this help"] };
    case "menu":
      return {
        title: " Fault injection ",
        lines: [
          ...m.items.map((it) => `${it.key}  ${it.title}${it.emulatorOnly ? " (emulator)" : ""}`),
          "",
          "press a key to choose, Esc to cancel",
        ],
      };
    case "input":
      return {
        title: ` ${m.title} `,
        lines: [
          ...m.info,
          m.prompt,
          `> ${m.value}_`,
          m.error === "" ? "" : `! ${m.error}`,
          "Enter applies, Esc cancels",
        ],
      };
    case "confirm":
      return { title: " Confirm ", lines: [m.text, "", "y: yes, inject   n/Esc: cancel"] };
  }
}

/** `p`/`h`/`n`: the form for one channel's setpoint; `apply` gets the checked duty. */
export function setpointForm(
  channel: "pump" | "heater" | "fan",
  now: number,
  apply: (duty: number) => Promise<unknown>,
  close: () => void,
): Modal {
  return {
    kind: "input",
    title: `${channel} setpoint`,
    prompt: `${channel} duty 0-255 (now ${now}):`,
    value: String(now),
    error: "",
    info: [],
    onSubmit: async (v) => {
      const duty = parseDuty(channel, v);
      close();
      await apply(duty);
    },
  };
}

/** `t`: the tuning form, the values in force above the prompt in `width` x at most `maxRows`. */
export function tuningForm(
  current: readonly string[],
  width: number,
  maxRows: number,
  apply: (text: string) => void,
): Modal {
  return {
    kind: "input",
    title: "twin parameters and detector thresholds",
    prompt: "NAME=VALUE ... (e.g. UA=12 detectors.flowBandLpm=0.4 alarm.raiseLevel=1.5):",
    value: "",
    error: "",
    info: tuningInfo(current, width, maxRows),
    onSubmit: apply,
  };
}

/** A duty typed by the operator; a ConfigError naming the channel otherwise. */
export function parseDuty(channel: string, text: string): number {
  const v = text.trim() === "" ? Number.NaN : Number(text.trim());
  if (!(Number.isInteger(v) && v >= 0 && v <= 255))
    throw new ConfigError(`${channel} duty`, text, "must be a whole number 0-255");
  return v;
}

/** `line` cut at spaces into lines of at most `width` (a word longer than that is cut). */
export function wrapText(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= 0) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") out.push(rest);
  return out;
}

/** The tuning values in columns when they fit in `maxRows`, else as flowing text. */
function tuningInfo(items: readonly string[], width: number, maxRows: number): string[] {
  const table = columns(items, width);
  return table.length <= maxRows ? table : wrapText(items.join("  "), width);
}

/** Lays `items` out in columns across `width`. */
function columns(items: readonly string[], width: number): string[] {
  const colW = Math.max(...items.map((i) => i.length)) + 2;
  const n = Math.max(1, Math.floor(width / colW));
  const rows = Math.ceil(items.length / n);
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < n; c++) {
      const it = items[c * rows + r];
      if (it !== undefined) line += it.padEnd(colW);
    }
    out.push(line.trimEnd());
  }
  return out;
}
