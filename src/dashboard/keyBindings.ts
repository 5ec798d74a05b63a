/** The dashboard's keys (issue 7 section 2), as data: the help overlay and docs/dashboard.md list them. */

export const KEY_ACTIONS = [
  "help",
  "quit",
  "pump",
  "heater",
  "fan",
  "faults",
  "endInjections",
  "acknowledge",
  "pause",
  "widen",
  "narrow",
  "record",
  "tune",
] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

export interface KeyBinding {
  /** Key names as blessed reports them. */
  readonly keys: readonly string[];
  /** How the help overlay shows the key. */
  readonly label: string;
  readonly action: KeyAction;
  readonly description: string;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: ["?"], label: "?", action: "help", description: "this help (any key closes it)" },
  {
    keys: ["q", "C-c"],
    label: "q, Ctrl-C",
    action: "quit",
    description: "quit: the rig is left safe (SAFE sent)",
  },
  { keys: ["p"], label: "p", action: "pump", description: "set the pump setpoint (duty 0-255)" },
  { keys: ["h"], label: "h", action: "heater", description: "set the heater setpoint (duty 0-255)" },
  { keys: ["n"], label: "n", action: "fan", description: "set the fan setpoint (duty 0-255)" },
  {
    keys: ["f"],
    label: "f",
    action: "faults",
    description: "fault injection menu (confirmed, dead-man hold)",
  },
  { keys: ["x"], label: "x", action: "endInjections", description: "end all injections now (SAFE)" },
  { keys: ["a"], label: "a", action: "acknowledge", description: "acknowledge the newest alarm" },
  {
    keys: ["space"],
    label: "space",
    action: "pause",
    description: "pause/resume the charts (data keeps recording)",
  },
  { keys: ["+", "="], label: "+", action: "widen", description: "widen the time window" },
  { keys: ["-", "_"], label: "-", action: "narrow", description: "narrow the time window" },
  { keys: ["r"], label: "r", action: "record", description: "start/stop recording" },
  { keys: ["t"], label: "t", action: "tune", description: "twin parameters and detector thresholds (live)" },
];

/** The help overlay's lines. */
export function helpLines(): string[] {
  const w = Math.max(...KEY_BINDINGS.map((k) => k.label.length));
  return KEY_BINDINGS.map((k) => `${k.label.padEnd(w)}  ${k.description}`);
}
