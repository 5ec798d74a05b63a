/**
 * A saved learned model named on the command line (`looptwin detect --model`, `--learned` of
 * `dashboard`, `serve` and `hil run`): the JSON `looptwin detect --save-model` writes
 * (learnedModelFile.ts). A file that cannot be read or is not such a model is one InputFileError
 * naming the file and the field (exit 2).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, InputFileError } from "../core/errors.js";
import { liveChannelSources } from "../detect/learned/learnedBesideMonitor.js";
import type { LearnedModel } from "../detect/learned/learnedDetector.js";
import { learnedModelFromJson } from "../detect/learned/learnedModelFile.js";

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
    if (e instanceof ConfigError)
      throw new InputFileError(file, e.message, { column: e.field }, { cause: e });
    throw e;
  }
}
