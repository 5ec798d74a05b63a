/**
 * The soak in short (`npm run soak -- --hours H` is the long one, not in CI): 100 Hz through the
 * serial path on a pseudo-terminal, the monitor, a recording, 1 % corrupted bytes, a replug every
 * 8 s. Every replug is its own gap; the recording holds every sample the source delivered, once and
 * in order; what is missing inside a connection is explained by the unusable lines. Memory figures
 * are the long run's business (README), not asserted here.
 */
import { describe, expect, it } from "vitest";
import { runSoak } from "../../scripts/soak.js";

describe("soak, short", () => {
  it("20 s at 100 Hz with 1 % corrupted bytes and 2 replugs: every sample recorded once, in order", async () => {
    const r = await runSoak({ durationS: 20, reportEveryS: 5, disconnectEveryS: 8 });
    expect(r.replugs).toBe(2);
    expect(r.disconnectGaps).toBe(2);
    expect(r.recorded).toBe(r.received);
    expect(r.recordedOutOfOrder).toBe(0);
    expect(r.exactlyOnce).toBe(true);
    // 1 % of ~70-byte lines corrupted leaves about half of them whole (0.99^70 = 0.49).
    expect(r.received / r.sentByDevice).toBeGreaterThan(0.3);
    expect(r.received / r.sentByDevice).toBeLessThan(0.7);
    expect(r.crcErrors).toBeGreaterThan(0);
    expect(r.reports.length).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
