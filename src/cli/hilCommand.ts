/**
 * `looptwin hil run [PATHS...] [--target T] [--junit FILE] [--html FILE] [--out DIR] [--filter TEXT]
 * [--shard K/N]`: runs HIL scenarios (hil/README.md) and exits 0 only when every scenario passed (a
 * scenario skipped on a target that cannot run it is reported with its reason and does not fail
 * the run). `--shard K/N` runs one of N shards balanced by device seconds (src/hil/shards.ts), for
 * a CI job matrix. `looptwin hil list [PATHS...]` prints what the scenarios do.
 *
 * Ctrl-C, SIGTERM and SIGHUP (an SSH session dropping) abort the run: the runner sends SAFE
 * (which clears every hold) before the process ends.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../core/errors.js";
import { describeCondition } from "../hil/conditions.js";
import { progressLine, scenarioLines, suiteJson, summaryLines } from "../hil/consoleReport.js";
import { loadDefaultMonitorFactory } from "../hil/monitorFactory.js";
import type { RunProgress } from "../hil/runner.js";
import type { Scenario } from "../hil/scenario.js";
import { loadScenarioFiles } from "../hil/scenarioLoader.js";
import { parseShard, type ShardChoice, shardOf } from "../hil/shards.js";
import { filterScenarios, runSuite } from "../hil/suite.js";
import { builtinTargets } from "../hil/targets/builtinTargets.js";
import { DEFAULT_PTY_SPEED } from "../hil/targets/ptyTarget.js";
import { hilHtmlReport } from "../report/hilHtmlReport.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt, stringsOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { LIVE_LEARNED_OPTIONS, liveLearnedFromArgs } from "./learnedModelArg.js";
import { MQTT_PUBLISH_HELP, MQTT_PUBLISH_OPTIONS, mqttPublishFromArgs } from "./mqttArgs.js";
import { startPublisher } from "./mqttPublishing.js";
import { ciRunId, writeReport } from "./reportFiles.js";
import { rigFromArgs } from "./rigArgs.js";

const HELP = `Usage: looptwin hil run [PATHS...] [--target T] [--junit FILE] [--html FILE] [--out DIR]
                        [--filter TEXT] [--shard K/N]
       looptwin hil list [PATHS...] [--filter TEXT] [--shard K/N]

Runs hardware-in-the-loop scenarios (YAML, schema in hil/README.md) and checks what a rig
engineer would check: alarms and their diagnosis within a time after a fault, no false alarm,
signals within bands, device events (SAFE after heartbeat loss, interlock, hold expiry),
recovery. Exit 0 only when every scenario passes; 1 when one fails; 2 on bad arguments or
scenario files (file, line and field named); 130 when interrupted.

PATHS are scenario files or folders of *.yaml (default: hil/scenarios, here or in the package).

Options:
  --target T        emulator (default): in-process, virtual time, as fast as the machine allows
                    pty: 'looptwin emulate' on a pseudo-terminal, through the real serialport path
                    serial:PATH: the real rig in real time (emulator-only steps skipped, with
                    the reason in the report)
                    firmata:PATH: a StandardFirmata rig in real time (johnny-five)
                    fil: the rig firmware itself in simavr, wired to the plant
                    (build it first with npm run fil:build); fil:ELF another firmware ELF
  --junit FILE      JUnit XML: one testcase per scenario, failure messages naming the
                    expectation and the observation, the alarm timeline in system-out
  --html FILE       one self-contained HTML report (no script, nothing loaded from a network):
                    the summary, per scenario its verdict, each expectation with what was
                    observed, and plots of temperatures, flow, residuals, score and duties with
                    the injected faults and the alarms marked
  --out DIR         per scenario: <name>.ndjson (the recording) and <name>.csv (SKAB-layout
                    labelled data: anomaly and changepoint from the injector's ground truth)
  --filter TEXT     only scenarios whose name, file, description or tags contain TEXT
  --shard K/N       only shard K of N (1 <= K <= N): the scenarios (after --filter) split into N
                    shards of about equal device seconds, longest first; every scenario is in
                    exactly one shard, and every job of a CI matrix computes the same split
  --learned MODEL   a learned model (looptwin detect --save-model) run beside the twin's monitor:
                    its alarms (cause learned) are recorded and listed with the monitor's
  --learn-first S   the learned detector trained on each scenario's first S seconds (>= 10; they
                    must be nominal), then run beside the monitor; instead of a scenario's own
                    learned: { learn_first }. Not with --learned
  --config FILE     rig config (JSON) as looptwin calibrate writes it: loop parameters (for
                    the twin, and for an emulated plant) and thermistor offsets (the host
                    conversion of a real rig); or {"params": {"UA": 9.6, ...}}
  --set K=V         one loop parameter, repeatable (after --config); the recordings of --out
                    carry the config in force (the file with the --set values written in)
  --speed X         device seconds per wall second of --target pty (default ${DEFAULT_PTY_SPEED});
                    with firmata:PATH, of StandardFirmata in simavr started with looptwin
                    emulate --speed X (the host times Firmata samples; a real board is 1);
                    refused with the other targets
  --step-timeout S  wall seconds a command step may take (default 15)
  --json            print the results as JSON instead of the summary

${MQTT_PUBLISH_HELP}  hil run publishes each verdict to <prefix>/<rig>/hil/<run-id>/<scenario> and the
  totals (retained) to .../hil/<run-id>/summary; without --rig-name the rig is <host>-<target>.

Safety on a real rig: every scenario ends with SAFE (heater off, pump and fan full, holds
cleared), also on a timeout, an error, Ctrl-C or a dropped SSH session; physical faults are
injected only with a dead-man hold, so the device reverts them by itself.
`;

const SUBCOMMANDS = ["run", "list"] as const;

/** The package's own hil/scenarios (for a run outside the repository). */
function packageScenarios(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, "..", "..", "hil", "scenarios");
}

function defaultPaths(cwd: string): string[] {
  const local = join(cwd, "hil", "scenarios");
  return [existsSync(local) ? local : packageScenarios()];
}

/** The scenarios of the run: those `filter` selects, then shard `shard` of them. */
function selectScenarios(
  paths: readonly string[],
  filter: string | undefined,
  shard: ShardChoice | undefined,
  cwd: string,
): Scenario[] {
  const all = loadScenarioFiles(paths, cwd);
  const filtered = filterScenarios(all, filter);
  if (filtered.length === 0)
    throw new ConfigError("--filter", filter, `selects none of the ${all.length} scenario(s)`);
  if (shard === undefined) return filtered;
  const picked = shardOf(filtered, shard);
  if (picked.length === 0)
    throw new ConfigError(
      "--shard",
      `${shard.index + 1}/${shard.count}`,
      `is empty: ${filtered.length} scenario(s) do not fill ${shard.count} shards`,
    );
  return picked;
}

function listScenarios(scenarios: readonly Scenario[], io: CliIo): number {
  for (const s of scenarios) {
    io.stdout.write(
      `${s.name}  (${s.file}, ${s.durationS} s${s.tags.length > 0 ? `, ${s.tags.join(" ")}` : ""})\n`,
    );
    if (s.description !== "") io.stdout.write(`  ${s.description.replace(/\s+/g, " ")}\n`);
    for (const st of s.steps) {
      const when =
        st.trigger.kind === "at"
          ? `at ${st.trigger.tS} s`
          : `when ${describeCondition(st.trigger.condition)}`;
      io.stdout.write(`    step ${st.name}: ${st.action.kind} ${when}\n`);
    }
    for (const e of s.expectations) io.stdout.write(`    expect ${e.name}\n`);
  }
  return 0;
}

export const hilCommand: Command = {
  name: "hil",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCommandArgs(
      argv,
      {
        target: { type: "string" },
        junit: { type: "string" },
        html: { type: "string" },
        shard: { type: "string" },
        out: { type: "string" },
        filter: { type: "string" },
        config: { type: "string" },
        ...LIVE_LEARNED_OPTIONS,
        set: { type: "string", multiple: true },
        speed: { type: "string" },
        "step-timeout": { type: "string" },
        json: { type: "boolean" },
        ...MQTT_PUBLISH_OPTIONS,
      },
      true,
    );
    const [sub, ...paths] = args.positionals;
    if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub))
      throw new ConfigError(
        "subcommand",
        sub,
        `expected ${SUBCOMMANDS.join(" or ")} (see looptwin hil --help)`,
      );
    const filter = stringOpt(args, "filter");
    const shardText = stringOpt(args, "shard");
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    const scenarioPaths = paths.length > 0 ? paths : defaultPaths(io.cwd);
    if (sub === "list") return listScenarios(selectScenarios(scenarioPaths, filter, shard, io.cwd), io);

    // Broker options are checked before any target is touched (exit 2).
    const mqtt = mqttPublishFromArgs(args, process.env, io.cwd);
    const speedText = stringOpt(args, "speed");
    const speed =
      speedText === undefined
        ? undefined
        : parseNumberArg("--speed", speedText, { min: 0, minExclusive: true });
    const stepText = stringOpt(args, "step-timeout");
    const stepTimeoutS =
      stepText === undefined
        ? undefined
        : parseNumberArg("--step-timeout", stepText, { min: 0, minExclusive: true });
    const { params, calibration, config } = rigFromArgs(
      stringOpt(args, "config"),
      stringsOpt(args, "set"),
      io.cwd,
    );
    const target = builtinTargets().create(stringOpt(args, "target") ?? "emulator", {
      cwd: io.cwd,
      ...(speed !== undefined ? { speed } : {}),
      ...(calibration !== undefined ? { calibration } : {}),
    });
    const scenarios = selectScenarios(scenarioPaths, filter, shard, io.cwd);
    // The command line's learned detector, else each scenario's own learned: { learn_first }.
    const monitorFactory = await loadDefaultMonitorFactory(liveLearnedFromArgs(args, io.cwd));
    const resolve = (p: string | undefined): string | undefined =>
      p === undefined ? undefined : isAbsolute(p) ? p : join(io.cwd, p);
    const htmlFile = resolve(stringOpt(args, "html"));
    if (htmlFile !== undefined && !existsSync(dirname(htmlFile)))
      throw new ConfigError("--html", stringOpt(args, "html"), "its folder does not exist");
    const startedAt = new Date();
    const runId =
      ciRunId() ??
      `${startedAt.toISOString().replace(/[-:]|\.\d+Z$/g, "")}-${randomBytes(3).toString("hex")}`;
    const json = flagOpt(args, "json");
    const publisher =
      mqtt === undefined
        ? null
        : await startPublisher(mqtt, {
            command: "hil run",
            defaultRigName: `${hostname()}-${target.name.replace(/[:/]/g, "_")}`,
            io,
          });
    publisher?.setStatus({ source: target.name, link: "HIL", firmware: "", uid: "" });

    const controller = new AbortController();
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    const handlers = signals.map((name) => {
      const h = (): void => controller.abort(new Error(`${name} received`));
      process.on(name, h);
      return [name, h] as const;
    });
    // A terminal that went away (SSH dropped) must not crash the run before it has sent SAFE.
    const ignore = (): void => {};
    process.stdout.on("error", ignore);
    process.stderr.on("error", ignore);
    const realTime = !target.capabilities.virtualTime;
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    let lastLine = 0;
    const onProgress = (p: RunProgress): void => {
      if (!realTime || json) return;
      const now = performance.now();
      if (tty) io.stderr.write(`\r${progressLine(p).padEnd(79).slice(0, 79)}`);
      else if (now - lastLine > 30_000) {
        lastLine = now;
        io.stderr.write(`${progressLine(p)}\n`);
      }
    };
    try {
      const junitFile = resolve(stringOpt(args, "junit"));
      const outDir = resolve(stringOpt(args, "out"));
      const result = await runSuite(scenarios, {
        target,
        monitorFactory,
        baseParams: params,
        rigConfig: config,
        signal: controller.signal,
        onProgress,
        ...(junitFile !== undefined ? { junitFile } : {}),
        ...(outDir !== undefined ? { outDir } : {}),
        ...(stepTimeoutS !== undefined ? { stepTimeoutS } : {}),
        onStart: (s, i, n) => {
          if (!json && realTime) io.stdout.write(`RUN   [${i + 1}/${n}] ${s.name} on ${target.name}\n`);
        },
        onResult: (r, i, n) => {
          publisher?.hilVerdict({
            runId,
            scenario: r.scenario.name,
            target: r.target,
            status: r.status,
            reason: r.reason,
            rigS: r.rigS,
            wallS: r.wallS,
            expectations: r.verdicts.map((v) => ({ name: v.name, status: v.status, observed: v.observed })),
          });
          if (json) return;
          if (tty && realTime) io.stderr.write(`\r${" ".repeat(79)}\r`);
          io.stdout.write(`${scenarioLines(r, i, n).join("\n")}\n`);
        },
      });
      const counts = { passed: 0, failed: 0, error: 0, skipped: 0 };
      for (const r of result.results) counts[r.status]++;
      publisher?.hilSummary({
        runId,
        target: result.target,
        passed: result.passed,
        counts,
        wallS: result.wallS,
      });
      const published =
        publisher === null
          ? null
          : await publisher.close(controller.signal.aborted ? "interrupted" : "run finished");
      const written = htmlFile === undefined ? result : { ...result, files: [...result.files, htmlFile] };
      if (htmlFile !== undefined) {
        writeReport(
          htmlFile,
          hilHtmlReport(result, {
            runId,
            startedAt,
            ...(shardText !== undefined ? { shard: shardText.trim() } : {}),
          }),
        );
      }
      if (json) io.stdout.write(`${JSON.stringify(suiteJson(written), null, 2)}\n`);
      else io.stdout.write(`${summaryLines(written).join("\n")}\n`);
      if (published !== null && publisher !== null && !json)
        io.stdout.write(
          `mqtt: run ${runId} as rig ${publisher.rig} to ${mqtt?.broker.displayUrl}: ${publisher.sent} messages sent, ${published.dropped} dropped, ${published.unsent} unsent\n`,
        );
      if (controller.signal.aborted) return 130;
      return result.passed ? 0 : 1;
    } finally {
      // After an error the connection still closes (its socket would keep the process alive).
      await publisher?.close("run ended by an error");
      for (const [name, h] of handlers) process.off(name, h);
      process.stdout.off("error", ignore);
      process.stderr.off("error", ignore);
    }
  },
};
