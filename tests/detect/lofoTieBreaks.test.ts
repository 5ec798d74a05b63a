import { describe, expect, it } from "vitest";
import { selectCandidate } from "../../src/detect/evaluation/leaveOneFileOut.js";
import { fileWithCounts } from "./fileEvaluationCounts.js";

const file = fileWithCounts;

describe("ties within the FAR limit go to the earlier candidate", () => {
  it("equal F1 and equal FAR: the earlier one, whichever comes first", () => {
    // Both F1 7/9, FAR 1/11; they differ only in what they are, not in their figures.
    const x = [file(7, 1, 3, 10), file(7, 1, 3, 10)];
    const y = [file(7, 1, 3, 10), file(7, 1, 3, 10)];
    expect(selectCandidate([x, y], [0, 1], 0.5).index).toBe(0);
    expect(selectCandidate([y, x, y], [0, 1], 0.5).index).toBe(0);
  });

  it("equal F1: a later candidate with a higher FAR does not displace the earlier one", () => {
    // Both F1 7 / (7 + 2) = 7/9; FAR 2/22 = 9.1 % for the first, 2/11 = 18.2 % for the second.
    const lessFar = [file(7, 2, 2, 20), file(7, 2, 2, 20)];
    const moreFar = [file(7, 2, 2, 9), file(7, 2, 2, 9)];
    expect(selectCandidate([lessFar, moreFar], [0, 1], 0.5).index).toBe(0);
  });
});
