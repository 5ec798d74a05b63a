/**
 * `--learn-first S` with a span far longer than a session runs: the trainer reserves a bounded
 * number of rows up front (it grows them as they come), so a long span is taken like any other
 * instead of failing on an array too long to allocate. The same rows are learned whatever the
 * reservation: the rows of a span that outgrows it are all kept (see also learnFirstTrainer.test.ts).
 */
import { describe, expect, it } from "vitest";
import { LearnFirstTrainer } from "../../src/detect/learned/learnFirstTrainer.js";

describe("a learn-first span longer than any array reserved at 10 rows a second", () => {
  it("1e9 s (10^10 rows at 10 Hz, past a typed array's 2^32) is taken and learns from the samples given", () => {
    const trainer = new LearnFirstTrainer(1e9, ["res_t_hot_k"]);
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 0, spanS: 1e9 });
    const row = new Float64Array(1);
    for (let t = 0; t <= 30; t++) {
      row[0] = t % 2;
      expect(trainer.push(t, row)).toBe(false);
    }
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 30, spanS: 1e9 });
    expect(trainer.learning).toBe(true);
  });
});
