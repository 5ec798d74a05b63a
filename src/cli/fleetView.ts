/**
 * The terminal fleet view (`looptwin fleet --mqtt URL`) and the remote dashboard
 * (`looptwin dashboard --mqtt-source URL --rig NAME`): one broker subscription, the fleet table,
 * and on Enter one rig's live view from the dashboard's view model fed by its messages. Exits on
 * q, Ctrl-C, SIGTERM and SIGHUP with the terminal restored; sends nothing to any rig.
 */

import { type FleetFrame, FleetScreen, type FleetScreenModel } from "../dashboard/fleetScreen.js";
import { remoteRigLines } from "../dashboard/remoteView.js";
import { DashboardViewModel } from "../dashboard/viewModel.js";
import type { BrokerConfig } from "../fleet/brokerConfig.js";
import { describeBrokerState } from "../fleet/brokerLink.js";
import { FleetSubscriber } from "../fleet/fleetSubscriber.js";
import { fleetHeader, fleetLines } from "../fleet/fleetTable.js";
import { RemoteRigFeed } from "../fleet/remoteRigFeed.js";
import { parseTopic } from "../fleet/topics.js";
import type { CliIo } from "./command.js";

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Runs the view until q, Ctrl-C, a signal or `durationS`; with `rig` it opens on that rig's live
 * view and Escape does not leave it (the remote dashboard). Resolves with the exit code.
 */
export async function runFleetView(
  broker: BrokerConfig,
  prefix: string,
  durationS: number | undefined,
  io: CliIo,
  rig?: string,
): Promise<number> {
  // The latest retained state per rig (status, open alarms, loop figures), replayed into a live
  // view when it opens so it does not wait for the next change.
  const latest = new Map<string, Map<string, Buffer>>();
  let feed: RemoteRigFeed | null = null;
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
      feed?.apply(topic, payload);
    },
  });
  const openRig = (name: string): void => {
    feed = new RemoteRigFeed(prefix, name, () => new DashboardViewModel({ windowS: 60, capacity: 36_000 }));
    for (const [topic, payload] of latest.get(name) ?? []) feed.apply(topic, payload);
  };
  if (rig !== undefined) openRig(rig);
  let listed: string[] = [];
  const model: FleetScreenModel = {
    frame(cols, rows, color): FleetFrame {
      const st = sub.state;
      const broker = describeBrokerState(sub.brokerState);
      if (feed !== null) {
        return {
          header: `${feed.rig} │ ${feed.status || "no status yet"} │ read-only, through the broker`,
          detail: remoteRigLines(feed.viewModel, cols, rows, color),
          status: `${broker} │ ${feed.malformed + st.malformed} bad messages │ ${rig === undefined ? "Esc back, " : ""}q quit`,
        };
      }
      const now = Date.now();
      const all = st.rows();
      listed = all.map((r) => r.name);
      const offline = all.filter((r) => r.online === false).length;
      return {
        header: fleetHeader(cols),
        rows: fleetLines(all, now, cols),
        status: `${broker} │ ${all.length} ${all.length === 1 ? "rig" : "rigs"}, ${offline} offline │ ${st.malformed} bad messages │ Enter view, q quit`,
      };
    },
    open(index) {
      const name = listed[index];
      if (name !== undefined) openRig(name);
    },
    back() {
      if (rig !== undefined) return;
      feed = null;
    },
  };
  let finish: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    finish = resolve;
  });
  const handlers = STOP_SIGNALS.map((n) => {
    const h = (): void => finish(n);
    process.on(n, h);
    return [n, h] as const;
  });
  process.stdout.on("error", () => {});
  const screen = new FleetScreen({ model, onQuit: (why) => finish(why), detailOnly: rig !== undefined });
  const timer = durationS === undefined ? null : setTimeout(() => finish("duration"), durationS * 1000);
  const why = await stopped;
  if (timer !== null) clearTimeout(timer);
  screen.destroy();
  for (const [n, h] of handlers) process.off(n, h);
  await sub.close();
  io.stderr.write(
    `looptwin ${rig === undefined ? "fleet" : "dashboard"}: stopped by ${why}; ${sub.state.size} rigs seen, ${sub.state.malformed} malformed messages skipped\n`,
  );
  if (why === "SIGHUP") {
    // As the dashboard: the terminal is gone, end by the signal itself (node 20 would abort
    // restoring the terminal mode on EIO).
    process.removeAllListeners("SIGHUP");
    process.kill(process.pid, "SIGHUP");
  }
  return 0;
}
