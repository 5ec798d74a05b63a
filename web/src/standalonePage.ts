/**
 * Standalone mode (docs/web.md "Standalone twin"): the run the URL describes, in the browser,
 * with the controls acting on it at once.
 */
import { isConfigError } from "../../src/core/errors.js";
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import type { LoopParamName } from "../../src/model/loopParams.js";
import type { PageControl } from "./pageControl.js";
import type { PageStore } from "./pageStore.js";
import { RunLoop } from "./runLoop.js";
import { formatRunUrl, type RunSpec, type RunSpeed } from "./runUrl.js";
import { faultFromNow, TwinRun } from "./twinRun.js";

function problemOf(e: unknown): string {
  return isConfigError(e) || e instanceof Error ? e.message : String(e);
}

export class StandalonePage implements PageControl {
  private readonly store: PageStore;
  private runSpec: RunSpec;
  run: TwinRun;
  readonly loop: RunLoop;

  constructor(runSpec: RunSpec, store: PageStore, onFrame: () => void) {
    this.store = store;
    this.runSpec = runSpec;
    this.run = new TwinRun(runSpec, store);
    this.loop = new RunLoop(this.run, runSpec.speed, onFrame);
  }

  /** The run again from t = 0 with `seed`: its faults, setpoints and parameters as they are now. */
  restart(seed: number): void {
    this.runSpec = { ...this.currentSpec(), seed };
    this.run = new TwinRun(this.runSpec, this.store);
    this.loop.replace(this.run);
  }

  set speed(s: RunSpeed) {
    this.loop.speed = s;
  }

  /** This run as a URL query: the start's faults, setpoints and parameters as they are now. */
  currentSpec(): RunSpec {
    const sp = this.run.setpoints;
    return {
      ...this.runSpec,
      faults: this.run.faults,
      speed: this.loop.speed,
      set: this.run.paramOverrides,
      pumpDuty: sp.pumpDuty,
      heaterDuty: sp.heaterDuty,
      fanDuty: sp.fanDuty,
    };
  }

  currentUrlQuery(): string {
    return formatRunUrl(this.currentSpec());
  }

  setParam(name: LoopParamName, value: number): string | null {
    try {
      this.run.setParam(name, value);
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  async setSetpoints(sp: OperatorSetpoints): Promise<string | null> {
    this.run.setSetpoints(sp);
    return null;
  }

  async inject(text: string): Promise<string | null> {
    try {
      this.run.inject(faultFromNow(text, this.run.tS));
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  async endFaults(): Promise<string | null> {
    this.run.endFaults();
    return null;
  }

  async acknowledge(cause?: string): Promise<string | null> {
    this.run.acknowledge(cause);
    return null;
  }
}
