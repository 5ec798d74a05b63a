/**
 * Drives the standalone run from the browser's frames: each frame steps the samples that the
 * speed says are due (simulated seconds = speed x wall seconds), within a compute budget so the
 * page stays responsive; `max` steps as many as the budget allows. The clock is the frame time
 * requestAnimationFrame passes (or setTimeout's when the tab is hidden and frames stop).
 */
import type { RunSpeed } from "./runUrl.js";
import { PAGE_RATE_HZ, type TwinRun } from "./twinRun.js";

/** Compute time per frame given to the simulation [ms] (of a 16.7 ms frame at 60 Hz). */
const BUDGET_MS = 12;
/** Samples stepped between two looks at the clock. */
const CHUNK = 25;
/** Longest wall gap counted as running [ms] (a background tab does not catch up for minutes). */
const MAX_GAP_MS = 250;

export class RunLoop {
  private run: TwinRun;
  speed: RunSpeed;
  paused = false;
  private lastMs = Number.NaN;
  /** Samples due but not stepped yet (fractions carry to the next frame). */
  private due = 0;
  private readonly onFrame: () => void;
  private handle = 0;
  private stopped = true;
  /** Simulated seconds and wall milliseconds since start (for the speed read-out and the bench). */
  simulatedS = 0;
  wallMs = 0;

  constructor(run: TwinRun, speed: RunSpeed, onFrame: () => void) {
    this.run = run;
    this.speed = speed;
    this.onFrame = onFrame;
  }

  /** Another run (a restart) from the next frame on. */
  replace(run: TwinRun): void {
    this.run = run;
    this.due = 0;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.lastMs = Number.NaN;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    cancelAnimationFrame(this.handle);
    clearTimeout(this.handle);
  }

  private schedule(): void {
    if (this.stopped) return;
    if (document.hidden) this.handle = window.setTimeout(() => this.frame(performance.now()), 100);
    else this.handle = requestAnimationFrame((t) => this.frame(t));
  }

  private frame(nowMs: number): void {
    const gap = Number.isNaN(this.lastMs) ? 0 : Math.min(MAX_GAP_MS, Math.max(0, nowMs - this.lastMs));
    this.lastMs = nowMs;
    if (!this.paused) {
      const t0 = performance.now();
      let stepped = 0;
      if (this.speed === "max") {
        while (performance.now() - t0 < BUDGET_MS) {
          this.run.step(CHUNK);
          stepped += CHUNK;
        }
      } else {
        this.due += (this.speed * gap * PAGE_RATE_HZ) / 1000;
        while (this.due >= 1 && performance.now() - t0 < BUDGET_MS) {
          const n = Math.min(CHUNK, Math.floor(this.due));
          this.run.step(n);
          this.due -= n;
          stepped += n;
        }
        // Behind by more than a second of samples: drop the backlog rather than spiral.
        if (this.due > PAGE_RATE_HZ * 1) this.due = 0;
      }
      if (stepped > 0) this.run.refreshFigures();
      this.simulatedS += stepped / PAGE_RATE_HZ;
      this.wallMs += gap;
    }
    this.onFrame();
    this.schedule();
  }
}
