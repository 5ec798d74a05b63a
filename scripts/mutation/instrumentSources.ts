/**
 * Every mutant Stryker's instrumenter makes of some source texts, as `npm run test:mutation` would
 * make them before the TypeScript checker (so some will not compile), with lines and columns
 * 1-based as in Stryker's reports (the instrumenter's own locations are 0-based).
 */
import { Instrumenter } from "@stryker-mutator/instrumenter";
import type { InstrumentedMutant } from "./mutationScore.js";

/** A logger that says nothing (the instrumenter logs to Stryker's log otherwise). */
export const quietLogger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => false,
  isErrorEnabled: () => false,
  isFatalEnabled: () => false,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  fatal: () => undefined,
};

export async function instrumentSources(
  sources: readonly { readonly name: string; readonly content: string }[],
): Promise<InstrumentedMutant[]> {
  const instrumenter = new Instrumenter(quietLogger);
  const result = await instrumenter.instrument(
    sources.map((s) => ({ name: s.name, content: s.content, mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [], noHeader: false },
  );
  return result.mutants.map((m) => ({
    file: m.fileName,
    line: m.location.start.line + 1,
    column: m.location.start.column + 1,
    mutatorName: m.mutatorName,
    replacement: m.replacement,
  }));
}
