/**
 * A saved learned model named on the command line (`looptwin detect --model`, `--learned` of
 * `dashboard`, `serve` and `hil run`): the JSON `looptwin detect --save-model` writes
 * (learnedModelFile.ts). A file that cannot be read or is not such a model is one InputFileError
 * naming the file and the field (exit 2). Or, for the live commands, `--learn-first S`: the
 * learned detector trained on the session's first S seconds (learnFirstTrainer.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, InputFileError } from "../core/errors.js";
import { type LiveLearnedChoice, liveChannelSources } from "../detect/learned/learnedBesideMonitor.js";
import type { LearnedModel } from "../detect/learned/learnedDetector.js";
import { learnedModelFromJson } from "../detect/learned/learnedModelFile.js";
import { checkLearnFirstS } from "../detect/learned/learnFirstTrainer.js";
import { type ParsedArgs, stringOpt } from "./args.js";

/** `--learned` and `--learn-first` of dashboard, serve and hil run (parseArgs options). */
export const LIVE_LEARNED_OPTIONS = {
  learned: { type: "string" },
  "learn-first": { type: "string" },
} as const;

/**
 * `--learned MODEL` or `--learn-first S` (not both), checked before anything starts: a ConfigError
 * or InputFileError naming the option (exit 2). Undefined when neither is given.
 */
export function liveLearnedFromArgs(args: ParsedArgs, cwd: string): LiveLearnedChoice | undefined {
  const file = stringOpt(args, "learned");
  const spanText = stringOpt(args, "learn-first");
  if (file !== undefined && spanText !== undefined)
    throw new ConfigError(
      "--learn-first",
      spanText,
      "cannot be given with --learned (the learned detector runs a saved model or learns one now, not both)",
    );
  if (spanText !== undefined) {
    const spanS = spanText.trim() === "" ? Number.NaN : Number(spanText);
    if (!(Number.isFinite(spanS) && spanS > 0))
      throw new ConfigError("--learn-first", spanText, "must be a positive number of seconds");
    return { kind: "learn_first", spanS: checkLearnFirstS(spanS) };
  }
  return file === undefined ? undefined : { kind: "model", model: readLiveLearnedModelArg(file, cwd) };
}

/** A model for a live session (`--learned`): read, and its channels checked against what a session has. */
export function readLiveLearnedModelArg(file: string, cwd: string): LearnedModel {
  const model = readLearnedModelArg(file, cwd);
  liveChannelSources(model);
  return model;
}

/** Reads the model file `file` (relative to `cwd`). */
export function readLearnedModelArg(file: string, cwd: string): LearnedModel {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch (e) {
    throw new InputFileError(file, "cannot read model file", {}, { cause: e });
  }
  try {
    return learnedModelFromJson(text);
  } catch (e) {
    if (e instanceof ConfigError) throw new InputFileError(file, e.message, {}, { cause: e });
    throw e;
  }
}
