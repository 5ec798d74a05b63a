/**
 * Runs a list of scenarios on one target, one after the other, and writes the outputs: per
 * scenario in `outDir` the NDJSON recording (`<name>.ndjson`) and the labelled CSV
 * (`<name>.csv`), and the JUnit XML of the whole run. Scenarios are independent: each gets a fresh
 * session (a fresh emulated rig, or a SAFE rig at the start).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { RecordingWriter } from "../rig/recording/recordingWriter.js";
import { junitXml } from "./junitReport.js";
import { EMULATED_EPOCH, labelledCsv } from "./labelledCsv.js";
import { type MonitorFactory, type RunProgress, runScenario, type ScenarioResult } from "./runner.js";
import type { Scenario } from "./scenario.js";
import type { HilTarget } from "./targets/target.js";

export interface SuiteOptions {
  readonly target: HilTarget;
  readonly monitorFactory: MonitorFactory;
  /** Loop parameters of the rig (a rig config), before each scenario's `rig.params`. */
  readonly baseParams?: Readonly<Record<string, number>>;
  /** Rig config JSON for the recording headers. */
  readonly rigConfig?: unknown;
  /** Folder for recordings and labelled CSVs (created). */
  readonly outDir?: string;
  /** JUnit XML file. */
  readonly junitFile?: string;
  /** Only scenarios whose name, file, description or tags contain this text (case-insensitive). */
  readonly filter?: string;
  readonly signal?: AbortSignal;
  readonly stepTimeoutS?: number;
  /** Called before each scenario, and with its result after. */
  readonly onStart?: (scenario: Scenario, index: number, total: number) => void;
  readonly onResult?: (result: ScenarioResult, index: number, total: number) => void;
  readonly onProgress?: (p: RunProgress) => void;
}

export interface SuiteResult {
  readonly target: string;
  readonly results: readonly ScenarioResult[];
  readonly passed: boolean;
  readonly wallS: number;
  /** Files written. */
  readonly files: readonly string[];
}

/** The scenarios `filter` selects (all when it is undefined or empty). */
export function filterScenarios(scenarios: readonly Scenario[], filter: string | undefined): Scenario[] {
  if (filter === undefined || filter.trim() === "") return [...scenarios];
  const f = filter.toLowerCase();
  return scenarios.filter((s) =>
    [s.name, s.file, s.description, ...s.tags].some((x) => x.toLowerCase().includes(f)),
  );
}

export async function runSuite(scenarios: readonly Scenario[], options: SuiteOptions): Promise<SuiteResult> {
  const wall0 = performance.now();
  const selected = filterScenarios(scenarios, options.filter);
  if (selected.length === 0)
    throw new ConfigError("--filter", options.filter, `selects none of the ${scenarios.length} scenario(s)`);
  const files: string[] = [];
  if (options.outDir !== undefined) {
    try {
      mkdirSync(options.outDir, { recursive: true });
    } catch (e) {
      throw new ConfigError("--out", options.outDir, `cannot create the folder (${(e as Error).message})`);
    }
  }
  const results: ScenarioResult[] = [];
  for (let i = 0; i < selected.length; i++) {
    const sc = selected[i] as Scenario;
    options.onStart?.(sc, i, selected.length);
    let writer: RecordingWriter | undefined;
    let clockNow: () => number = () => 0;
    if (options.outDir !== undefined) {
      const path = join(options.outDir, `${sc.name}.ndjson`);
      writer = new RecordingWriter(
        path,
        {
          source: { kind: options.target.sourceKind, path: options.target.name },
          rig: {
            scenario: sc.name,
            file: sc.file,
            seed: sc.seed,
            rig: sc.rig,
            config: options.rigConfig ?? null,
          },
          ...(options.target.capabilities.virtualTime ? { startTime: EMULATED_EPOCH } : {}),
          writer: "looptwin hil",
        },
        { clock: { nowMs: () => clockNow() } },
      );
      files.push(path);
    }
    let result: ScenarioResult;
    try {
      result = await runScenario(sc, {
        target: options.target,
        monitorFactory: options.monitorFactory,
        ...(options.baseParams !== undefined ? { baseParams: options.baseParams } : {}),
        ...(writer !== undefined ? { record: writer } : {}),
        onClock: (now) => {
          clockNow = now;
        },
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        ...(options.stepTimeoutS !== undefined ? { stepTimeoutS: options.stepTimeoutS } : {}),
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
      });
    } finally {
      writer?.close();
    }
    if (options.outDir !== undefined && result.status !== "skipped") {
      const csv = join(options.outDir, `${sc.name}.csv`);
      writeFileSync(csv, labelledCsv(result.history, result.faults));
      files.push(csv);
    }
    results.push(result);
    options.onResult?.(result, i, selected.length);
    if (options.signal?.aborted) break;
  }
  if (options.junitFile !== undefined) {
    writeFileSync(options.junitFile, junitXml(results, options.target.name));
    files.push(options.junitFile);
  }
  return {
    target: options.target.name,
    results,
    passed:
      results.length === selected.length &&
      results.every((r) => r.status === "passed" || r.status === "skipped"),
    wallS: (performance.now() - wall0) / 1000,
    files,
  };
}
