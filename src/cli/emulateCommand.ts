/**
 * `looptwin emulate [--link PATH] [--speed X|max] [--seed N] [--fault SPEC]... [--firmware ELF]`: a
 * virtual rig on a pseudo-terminal that any serial tool can open; with `--firmware` the device is
 * the real firmware in simavr (src/rig/fil/filPtyEmulator.ts); `--plant-start steady:...` starts the
 * plant warm (src/rig/emulator/plantStart.ts).
 */
import { ConfigError } from "../core/errors.js";
import { type FaultSpec, parseFaultSpec } from "../model/faultSpec.js";
import type { EmulatorEvent } from "../rig/emulator/emulatedDevice.js";
import { paramsStartingSteady, parsePlantStart } from "../rig/emulator/plantStart.js";
import { PtyEmulator } from "../rig/emulator/ptyEmulator.js";
import { FirmwareEmulator, runFirmwareEmulator } from "../rig/fil/filPtyEmulator.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt, stringsOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { untilStopped } from "./untilStopped.js";

const HELP = `Usage: looptwin emulate [--link PATH] [--speed X|max] [--seed N] [--fault SPEC]... [options]

A virtual rig on a pseudo-terminal: the looptwin firmware's serial protocol, byte for byte,
driven by the plant model with sensor noise and faults. Open the link with any serial tool
(looptwin dashboard --port PATH, looptwin record --port PATH, picocom, screen).

Options:
  --link PATH        symlink to the pseudo-terminal (default /tmp/ttyLOOP0)
  --speed X|max      device time per wall time (default 1); 'max' runs as fast as the
                     client reads. The device's 3 s heartbeat is device time: at X > 1 a
                     host must PING X times more often than once a second
  --seed N           seed of the plant noise, link faults and uid (default 1)
  --fault SPEC       fault from the start, repeatable (docs/design.md 5), e.g.
                     pump_degradation:start=120,severity=0.3,ramp=20  link_drop:value=0.01
                     link_disconnect:start=30,end=40  device_reboot:start=60
  --uid HEX          unit id, 8 hex digits (default derived from the seed)
  --no-ambient       a rig without an ambient probe (TLM adc_amb empty)
  --backend B        auto | node-pty | socat (default auto: node-pty, else socat)
  --duration S       stop after S device seconds (default: run until Ctrl-C / SIGTERM)
  --quiet            do not print fault and reboot events
  --plant-start S    where the simulated plant starts: ambient (default, 25 C) or
                     steady:pump=P,heater=H,fan=F, the loop model's steady state at those
                     duties (0-255, all three). A bench simulation convenience: the device
                     and the host start as usual (a HIL run still checks it is steady),
                     e.g. steady:pump=200,heater=255,fan=255 for a scenario's defaults
  --firmware ELF     the device is the real firmware (this ELF) in simavr, wired to the plant
                     (firmware/sim; build with npm run fil:build)
  --protocol P       with --firmware: looptwin (default) or firmata, for a StandardFirmata
                     build (npm run firmata:build): 57600 baud, bytes passed through, no EMU
                     lines (faults from --fault, or the host's physical injections); open it
                     with looptwin dashboard --firmata PATH

While running, the host may inject faults with EMU,<id>,<fault spec> (times relative to its
arrival) and EMU,<id>,clear; real firmware answers NAK unknown (with --firmware the link
bridge in front of the firmware answers them and injects the fault in the plant or the link).
`;

function describeEvent(e: EmulatorEvent): string {
  const t = `t=${e.tS.toFixed(3)} s`;
  switch (e.kind) {
    case "fault_start":
      return `${t} fault start ${e.text}`;
    case "fault_end":
      return `${t} fault end ${e.text}`;
    case "link_down":
      return `${t} link down`;
    case "link_up":
      return `${t} link up`;
    case "reboot":
      return `${t} device reboot (${e.cause})`;
  }
}

export async function runEmulate(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      link: { type: "string" },
      speed: { type: "string" },
      seed: { type: "string" },
      fault: { type: "string", multiple: true },
      uid: { type: "string" },
      "no-ambient": { type: "boolean" },
      backend: { type: "string" },
      duration: { type: "string" },
      quiet: { type: "boolean" },
      firmware: { type: "string" },
      protocol: { type: "string" },
      "plant-start": { type: "string" },
    },
    false,
  );
  const firmware = stringOpt(args, "firmware");
  const protocol = stringOpt(args, "protocol") ?? "looptwin";
  if (protocol !== "looptwin" && protocol !== "firmata")
    throw new ConfigError("--protocol", protocol, "must be looptwin or firmata");
  if (protocol === "firmata" && firmware === undefined)
    throw new ConfigError("--protocol", protocol, "needs --firmware ELF (a StandardFirmata build)");
  const linkPath = stringOpt(args, "link") ?? "/tmp/ttyLOOP0";
  const speedText = stringOpt(args, "speed") ?? "1";
  const speed =
    speedText === "max" ? "max" : parseNumberArg("--speed", speedText, { min: 0, minExclusive: true });
  const seed = parseNumberArg("--seed", stringOpt(args, "seed") ?? "1", { integer: true, min: 0 });
  const faults: FaultSpec[] = stringsOpt(args, "fault").map((f) => parseFaultSpec(f, "--fault"));
  const uid = stringOpt(args, "uid");
  if (uid !== undefined && !/^[0-9A-Fa-f]{8}$/.test(uid))
    throw new ConfigError("--uid", uid, "must be 8 hex digits");
  const backendText = stringOpt(args, "backend") ?? "auto";
  if (backendText !== "auto" && backendText !== "node-pty" && backendText !== "socat") {
    throw new ConfigError("--backend", backendText, "must be auto, node-pty or socat");
  }
  const durationText = stringOpt(args, "duration");
  const durationS =
    durationText === undefined
      ? undefined
      : parseNumberArg("--duration", durationText, { min: 0, minExclusive: true });
  const quiet = flagOpt(args, "quiet");
  const hasAmbientProbe = !flagOpt(args, "no-ambient");
  const plantStartText = stringOpt(args, "plant-start");
  const startDuties = plantStartText === undefined ? undefined : parsePlantStart(plantStartText);
  const plant = {
    hasAmbientProbe,
    ...(startDuties !== undefined ? { params: paramsStartingSteady(startDuties) } : {}),
  };
  const common = {
    linkPath,
    backend: backendText,
    speed,
    seed,
    faults,
    ...(uid !== undefined ? { uid: uid.toUpperCase() } : {}),
    ...(quiet ? {} : { onEvent: (e: EmulatorEvent) => io.stdout.write(`${describeEvent(e)}\n`) }),
  } as const;
  const emu =
    firmware !== undefined
      ? await runFirmwareEmulator({
          ...common,
          firmwarePath: firmware,
          plant,
          protocol,
          ...(quiet
            ? {}
            : {
                onStall: (deviceS: number, behindMs: number) =>
                  io.stdout.write(
                    `t=${deviceS.toFixed(3)} s simavr ${Math.round(behindMs)} ms behind speed x wall time${protocol === "firmata" ? " (the host times Firmata's pulses: its flow reads low, then high)" : ""}\n`,
                  ),
              }),
        })
      : await PtyEmulator.start({ ...common, hasAmbientProbe, plant });
  io.stdout.write(
    `looptwin emulate: ${linkPath} -> ${emu.link.ptsPath} (${emu.link.backend}), speed ${speed}, seed ${seed}, uid ${emu.device.uid ?? "none"}\n`,
  );
  const stopper = new AbortController();
  const onOuterAbort = (): void => stopper.abort();
  signal?.addEventListener("abort", onOuterAbort, { once: true });
  let durationTimer: NodeJS.Timeout | null = null;
  if (durationS !== undefined) {
    const check = (): void => {
      if (emu.nowMs >= durationS * 1000) stopper.abort();
      else durationTimer = setTimeout(check, 20);
    };
    check();
  }
  const why = await untilStopped(undefined, stopper.signal);
  if (durationTimer !== null) clearTimeout(durationTimer);
  signal?.removeEventListener("abort", onOuterAbort);
  await emu.stop();
  // With --firmware: how well simavr kept up with real time (a Firmata host times the pulses).
  const pace =
    emu instanceof FirmwareEmulator
      ? `, ${emu.wallS.toFixed(1)} s of wall time (${(emu.nowMs / 1000 / emu.wallS).toFixed(2)}x), at most ${Math.round(emu.mostLagMs)} ms behind`
      : "";
  io.stdout.write(
    `looptwin emulate: stopped (${why === "abort" ? "done" : why}) at device time ${(emu.nowMs / 1000).toFixed(3)} s${pace}\n`,
  );
  return 0;
}

export const emulateCommand: Command = {
  name: "emulate",
  help: HELP,
  run: (argv, io) => runEmulate(argv, io),
};
