/**
 * What the page's controls ask of whatever feeds the store: the standalone twin run acts at once;
 * the live session is asked over HTTP with the token (docs/web.md "Live"). Errors come back as
 * one line to show, never as exceptions in the UI.
 */
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";

export interface PageControl {
  /** The operator's setpoints. */
  setSetpoints(sp: OperatorSetpoints): Promise<string | null>;
  /** Injects a fault spec whose `start` counts from now (docs/design.md 5); null when done, else why not. */
  inject(spec: string): Promise<string | null>;
  /** Ends every injection (the rig to its setpoints, SAFE on a real rig's holds). */
  endFaults(): Promise<string | null>;
  /** Acknowledges the newest open alarm, or the one of `cause`. */
  acknowledge(cause?: string): Promise<string | null>;
}
