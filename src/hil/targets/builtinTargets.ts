/**
 * The targets `looptwin hil run --target` knows. Another part adds its own with one
 * `registry.register(...)` line here (issue 9: `fil`, the firmware in simavr).
 */
import { emulatorTarget } from "./emulatorTarget.js";
import { filTarget } from "./filTarget.js";
import { firmataTarget } from "./firmataTarget.js";
import { ptyTarget } from "./ptyTarget.js";
import { serialTarget } from "./serialTarget.js";
import { TargetRegistry } from "./target.js";

export function builtinTargets(): TargetRegistry {
  return new TargetRegistry()
    .register("emulator", emulatorTarget)
    .register("pty", ptyTarget, { takesSpeed: true })
    .register("serial", serialTarget, { usage: "serial:PATH", needsArg: true })
    .register("firmata", firmataTarget, { usage: "firmata:PATH", needsArg: true, takesSpeed: true })
    .register("fil", (arg, context) => filTarget(arg, context), { usage: "fil[:ELF]", optionalArg: true });
}
