/**
 * The learned detector on the terminal dashboard (issue 17 part 2): its training progress under
 * `--learn-first`, then its score against its threshold, in the Residuals legend and on the
 * status line; nothing of it without a learned detector. Hand-written states.
 */
import { describe, expect, it } from "vitest";
import { learnedLegendText } from "../../src/dashboard/chartLegend.js";
import { DashboardViewModel } from "../../src/dashboard/viewModel.js";

describe("the learned detector's state on the dashboard", () => {
  it("reads learning S/N s, learned score/1 (-- while the twin aligns), learned off", () => {
    expect(learnedLegendText({ kind: "learning", learnedS: 12.9, spanS: 60 })).toBe("learning 12/60 s");
    expect(
      learnedLegendText({ kind: "scoring", score: 0.4236, alarm: false, monitorAlarmsWhileLearning: 0 }),
    ).toBe("learned 0.42/1");
    expect(
      learnedLegendText({ kind: "scoring", score: Number.NaN, alarm: false, monitorAlarmsWhileLearning: 0 }),
    ).toBe("learned --/1");
    expect(learnedLegendText({ kind: "failed", reason: "too few samples" })).toBe("learned off");
  });

  it("is in the Residuals legend after the residuals and on the status line, and absent without one", () => {
    const vm = new DashboardViewModel({ windowS: 60 });
    const texts = () => vm.legend("residuals").map((l) => l.text);
    expect(texts().some((t) => t.startsWith("learn"))).toBe(false);
    expect(vm.statusLine()).not.toContain("learn");
    vm.setLearned({ kind: "learning", learnedS: 7, spanS: 100 });
    expect(texts()[3]).toBe("learning 7/100 s");
    expect(vm.statusLine()).toContain(" │ learning 7/100 s │ ");
    vm.setLearned({ kind: "scoring", score: 1.5, alarm: true, monitorAlarmsWhileLearning: 0 });
    expect(texts()[3]).toBe("learned 1.50/1");
    expect(vm.statusLine()).toContain("learned 1.50/1");
    vm.setLearned(null);
    expect(vm.statusLine()).not.toContain("learn");
  });

  it("on an 80-column status line the learned state stays when the firmware and window go", () => {
    const vm = new DashboardViewModel({ windowS: 60 });
    vm.setLearned({ kind: "learning", learnedS: 30, spanS: 120 });
    const line = vm.statusLine(80);
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toContain("learning 30/120 s");
  });
});
