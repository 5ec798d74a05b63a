// npm run test:mutation:unreached (scripts/mutationUnreached.ts): stryker.config.json, with only the
// mutants listed in $MUTATION_ONLY let through (scripts/mutation/onlyListed.mjs) and the reports in
// reports/mutation/unreached/.
import { readFileSync } from "node:fs";

const base = JSON.parse(readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));

export default {
  ...base,
  _comment: undefined,
  ignorers: ["only-listed"],
  appendPlugins: [...base.appendPlugins, "./scripts/mutation/onlyListed.mjs"],
  htmlReporter: { fileName: "reports/mutation/unreached/index.html" },
  jsonReporter: { fileName: "reports/mutation/unreached/mutation.json" },
};
