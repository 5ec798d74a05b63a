/**
 * The terminal fleet view (`looptwin fleet --mqtt URL`): one broker subscription and the fleet
 * table; Enter opens the selected rig's full dashboard (the six panels of screen.ts on a
 * {@link RemoteSession} fed by the same subscription, read-only), Escape goes back to the table.
 * Exits on q, Ctrl-C, SIGTERM and SIGHUP with the terminal restored; sends nothing to any rig.
 */

import { type FleetFrame, FleetScreen, type FleetScreenModel } from "../dashboard/fleetScreen.js";
import { DashboardScreen } from "../dashboard/screen.js";
import { observeIntoViewModel } from "../dashboard/sessionView.js";
import { DashboardViewModel } from "../dashboard/viewModel.js";
import type { BrokerConfig } from "../fleet/brokerConfig.js";
import { describeBrokerState } from "../fleet/brokerLink.js";
import { FleetSubscriber } from "../fleet/fleetSubscriber.js";
import { fleetHeader, fleetLines } from "../fleet/fleetTable.js";
import { RemoteSession } from "../fleet/remoteSession.js";
import { parseTopic } from "../fleet/topics.js";
import type { CliIo } from "./command.js";
import { endByHangUpIf } from "./hangUp.js";

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** One rig's dashboard opened from the table. */
interface RigView {
  readonly session: RemoteSession;
  readonly screen: DashboardScreen;
  readonly unobserve: () => void;
}

/** Runs the view until q, Ctrl-C, a signal or `durationS`; resolves with the exit code. */
export async function runFleetView(
  broker: BrokerConfig,
  prefix: string,
  durationS: number | undefined,
  io: CliIo,
): Promise<number> {
  // The latest retained state per rig (status, open alarms, loop figures), replayed into a rig's
  // dashboard when it opens so it does not wait for the next change.
  const latest = new Map<string, Map<string, Buffer>>();
  let rigView: RigView | null = null;
  let table: FleetScreen | null = null;
  let finish: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    finish = resolve;
  });
  const sub = new FleetSubscriber({
    broker,
    prefix,
    onMessage: (topic, payload) => {
      const t = parseTopic(prefix, topic);
      if (
        t.ok &&
        (t.value.kind === "status" || t.value.kind === "alarms/open" || t.value.kind === "performance")
      ) {
        const m = latest.get(t.value.rig) ?? new Map<string, Buffer>();
        latest.set(t.value.rig, m);
        m.set(topic, payload);
      }
      rigView?.session.apply(topic, payload);
    },
  });
  let listed: string[] = [];
  const model: FleetScreenModel = {
    frame(cols): FleetFrame {
      const st = sub.state;
      const all = st.rows();
      listed = all.map((r) => r.name);
      const offline = all.filter((r) => r.online === false).length;
      return {
        header: fleetHeader(cols),
        rows: fleetLines(all, Date.now(), cols),
        status: `${describeBrokerState(sub.brokerState)} │ ${all.length} ${all.length === 1 ? "rig" : "rigs"}, ${offline} offline │ ${st.malformed} bad messages │ Enter view, q quit`,
      };
    },
    open(index) {
      const name = listed[index];
      if (name !== undefined) openRig(name);
    },
  };
  const showTable = (): void => {
    table = new FleetScreen({ model, onQuit: (why) => finish(why) });
  };
  const closeRig = (): void => {
    if (rigView === null) return;
    rigView.unobserve();
    rigView.screen.destroy();
    rigView = null;
  };
  const openRig = (name: string): void => {
    table?.destroy();
    table = null;
    const session = new RemoteSession({ prefix, rig: name, brokerState: () => sub.brokerState });
    for (const [topic, payload] of latest.get(name) ?? []) session.apply(topic, payload);
    const viewModel = new DashboardViewModel({ windowS: 60, capacity: 36_000 });
    const unobserve = observeIntoViewModel(session, viewModel);
    const screen = new DashboardScreen({
      session,
      viewModel,
      onQuit: (why) => finish(why),
      onBack: () => {
        closeRig();
        showTable();
      },
    });
    rigView = { session, screen, unobserve };
    screen.start();
  };
  const handlers = STOP_SIGNALS.map((n) => {
    const h = (): void => finish(n);
    process.on(n, h);
    return [n, h] as const;
  });
  process.stdout.on("error", () => {});
  showTable();
  const timer = durationS === undefined ? null : setTimeout(() => finish("duration"), durationS * 1000);
  const why = await stopped;
  if (timer !== null) clearTimeout(timer);
  closeRig();
  (table as FleetScreen | null)?.destroy();
  for (const [n, h] of handlers) process.off(n, h);
  await sub.close();
  io.stderr.write(
    `looptwin fleet: stopped by ${why}; ${sub.state.size} rigs seen, ${sub.state.malformed} malformed messages skipped\n`,
  );
  endByHangUpIf(why);
  return 0;
}
