/**
 * `--target firmata:PATH`: a rig running StandardFirmata (johnny-five) instead of the looptwin
 * firmware. Not available until the Firmata rig source lands (issue 4); until then the target
 * says so as a bad argument rather than failing mid-run.
 */
import { ConfigError } from "../../core/errors.js";
import type { HilTarget, TargetContext } from "./target.js";

export function firmataTarget(path: string, _context: TargetContext): HilTarget {
  throw new ConfigError(
    "--target",
    `firmata:${path}`,
    "the Firmata source is not available in this build yet",
  );
}
