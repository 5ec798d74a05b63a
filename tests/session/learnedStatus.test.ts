/**
 * The learned detector's state from a live session to the dashboard (issue 17 part 2):
 * LiveSession.learnedStatus reads it from its monitor (null without a learned detector), and the
 * dashboard's per-frame refresh puts it on the status line. Fake source, fake monitor.
 */
import { describe, expect, it } from "vitest";
import { refreshViewModel } from "../../src/dashboard/sessionView.js";
import { DashboardViewModel } from "../../src/dashboard/viewModel.js";
import { LearnedBesideMonitor } from "../../src/detect/learned/learnedBesideMonitor.js";
import { LearnFirstTrainer } from "../../src/detect/learned/learnFirstTrainer.js";
import { LiveSession } from "../../src/session/liveSession.js";
import { FakeMonitor } from "./fakeMonitor.js";
import { fakeSessionOptions } from "./fakeSession.js";

describe("LiveSession.learnedStatus", () => {
  it("is null without a learned detector", async () => {
    const { options } = fakeSessionOptions();
    const session = new LiveSession(options);
    expect(session.learnedStatus()).toBeNull();
  });

  it("follows the monitor's trainer, and reaches the dashboard's status line", async () => {
    const trainer = new LearnFirstTrainer(60);
    const { options, source } = fakeSessionOptions({
      createMonitor: () => new LearnedBesideMonitor(new FakeMonitor(), trainer),
    });
    const session = new LiveSession(options);
    await session.start();
    for (let i = 0; i <= 120; i++) source.emitSample({ tS: i / 10, tHotC: 40, tColdC: 30, flowLpm: 3.85 });
    expect(session.learnedStatus()).toEqual({ kind: "learning", learnedS: 12, spanS: 60 });
    const vm = new DashboardViewModel();
    refreshViewModel(session, vm);
    expect(vm.statusLine()).toContain("learning 12/60 s");
    await session.shutdown("test");
  });
});
