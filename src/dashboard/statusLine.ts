/**
 * The dashboard's status line: source, link state, firmware, recording, rig time, window, pause,
 * the latest notice and the help hint, fitted to the terminal's width by dropping the least
 * needed parts first.
 */
import type { LearnedStatus } from "../detect/learned/learnedBesideMonitor.js";
import type { SessionStatus } from "../session/sessionObserver.js";
import { learnedLegendText } from "./chartLegend.js";
import { fitText, fmtTimeS } from "./format.js";

/** What the status line shows. */
export interface StatusLineFacts {
  readonly link: SessionStatus;
  readonly windowS: number;
  /** Rig time of the newest sample [s] (NaN before the first). */
  readonly latestTimeS: number;
  readonly paused: boolean;
  /** The latest notice ("" for none). */
  readonly notice: string;
  /** The MQTT publisher's state (`--mqtt`), "" without it. */
  readonly brokerText: string;
  /** `web <url>` under `--serve`, "" without it. */
  readonly webText: string;
  readonly learned: LearnedStatus | null;
}

/**
 * The status line, at most `width` characters. When it does not fit, the window, the firmware and
 * the recording go first, then the notice is cut.
 */
export function formatStatusLine(f: StatusLineFacts, width: number): string {
  const l = f.link;
  const firmware = l.firmware === "" ? "no HELLO" : l.firmware;
  const recording = l.recording === null ? "not recording" : `rec ${l.recording}`;
  const window = `window ${f.windowS}s`;
  const build = (optional: readonly string[], notice: string): string =>
    [
      l.source,
      l.state,
      ...optional,
      `t=${fmtTimeS(f.latestTimeS)}`,
      ...(f.paused ? ["PAUSED"] : []),
      ...(notice !== "" ? [notice] : []),
      "? help",
    ].join(" │ ");
  // The broker's state (with --mqtt) goes last: the operator must see a refused password.
  const broker = f.brokerText === "" ? [] : [f.brokerText];
  // The page's address (--serve) before the firmware: a colleague needs it to watch.
  const web = f.webText === "" ? [] : [f.webText];
  // The learned detector's progress or score (issue 17): the Residuals legend has it too, but
  // on a terminal narrower than about 140 columns the legend has no room left for it.
  const learned = f.learned === null ? [] : [learnedLegendText(f.learned)];
  const tries: (readonly string[])[] = [
    [...broker, ...web, ...learned, firmware, recording, window],
    [...broker, ...web, ...learned, firmware, recording],
    [...broker, ...web, ...learned, recording],
    [...broker, ...web, ...learned],
    [...broker, ...web],
    broker,
  ];
  for (const optional of tries) {
    const line = build(optional, f.notice);
    if (line.length <= width) return line;
  }
  // The notice is cut before the broker's state goes; with no room for a useful part of it, it
  // goes (the Alarms panel shows an alarm) and the broker's state stays: a remote view must say
  // whether its feed is alive.
  const bare = build(broker, "x");
  const room = width - bare.length + 1;
  if (room >= 8) return build(broker, fitText(f.notice, room));
  const withoutNotice = build(broker, "");
  return withoutNotice.length <= width ? withoutNotice : fitText(build([], ""), width);
}
