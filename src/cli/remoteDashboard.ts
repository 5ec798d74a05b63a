/**
 * `looptwin dashboard --mqtt-source URL --rig NAME`: the terminal dashboard of a rig on the other
 * side of a broker, read-only: one subscription feeding a {@link RemoteSession}, shown by the same
 * screen and the same six panels as a local session. Exits on q, Ctrl-C, SIGTERM and SIGHUP with
 * the terminal restored; sends nothing to the rig (docs/mqtt.md).
 */
import { runDashboard } from "../dashboard/runDashboard.js";
import { observeIntoViewModel } from "../dashboard/sessionView.js";
import { DashboardViewModel } from "../dashboard/viewModel.js";
import type { BrokerConfig } from "../fleet/brokerConfig.js";
import { FleetSubscriber } from "../fleet/fleetSubscriber.js";
import { RemoteSession } from "../fleet/remoteSession.js";
import type { CliIo } from "./command.js";
import { endByHangUpIf } from "./hangUp.js";

export interface RemoteDashboardOptions {
  readonly broker: BrokerConfig;
  readonly prefix: string;
  /** The rig's name in topics. */
  readonly rig: string;
  /** Chart time window [s]. */
  readonly windowS: number;
}

/** Runs the remote dashboard until the operator quits or a signal; resolves with the exit code. */
export async function runRemoteDashboard(o: RemoteDashboardOptions, io: CliIo): Promise<number> {
  let session: RemoteSession | null = null;
  const sub = new FleetSubscriber({
    broker: o.broker,
    prefix: o.prefix,
    onMessage: (topic, payload) => session?.apply(topic, payload),
  });
  session = new RemoteSession({
    prefix: o.prefix,
    rig: o.rig,
    brokerState: () => sub.brokerState,
    close: () => sub.close(),
  });
  const viewModel = new DashboardViewModel({ windowS: o.windowS });
  observeIntoViewModel(session, viewModel);
  const exit = await runDashboard({
    session,
    viewModel,
    signals: process,
    input: process.stdin,
    output: process.stdout,
  });
  io.stderr.write(`${exit.message}\n`);
  endByHangUpIf(exit.report.reason);
  return exit.code;
}
