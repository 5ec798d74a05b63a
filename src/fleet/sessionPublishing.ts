/**
 * Wires what publishes to the {@link SessionPublisher}: a live session (dashboard, serve) as one
 * more of its observers, or a bare rig source (`record`, which runs no twin). Samples go straight
 * into the telemetry batch; the pulled state (status, loop figures) is read once a second.
 */

import type { RigSource } from "../rig/source/rigSource.js";
import type { LiveSession } from "../session/liveSession.js";
import type { SessionObserver } from "../session/sessionObserver.js";
import type { SessionPublisher } from "./sessionPublisher.js";
import { NO_TWIN } from "./telemetryBatch.js";

/** What a live session offers its observers (LiveSession, or a fake in tests). */
export type ObservableSession = Pick<
  LiveSession,
  "subscribe" | "openAlarms" | "performance" | "status" | "latestTimeS" | "setpoints" | "activeInjections"
>;

/** Publishes `session` until the returned function is called; `uid` is the device uid now ("" before HELLO). */
export function publishSession(
  session: ObservableSession,
  publisher: SessionPublisher,
  uid: () => string,
): () => void {
  const pull = (): void => {
    const st = session.status();
    publisher.setStatus({
      source: st.source,
      link: st.state,
      firmware: st.firmware,
      uid: uid(),
      setpoints: session.setpoints,
      injections: session.activeInjections(),
    });
    publisher.performance(session.latestTimeS, session.performance());
  };
  const observer: SessionObserver = {
    sample: (s, out) => publisher.sample(s, out),
    alarm: (e) => publisher.alarm(e, session.openAlarms()),
    status: () => pull(),
    setpoints: () => pull(),
    injections: () => pull(),
  };
  const unsubscribe = session.subscribe(observer);
  pull();
  publisher.openAlarms(session.openAlarms());
  const timer = setInterval(pull, 1000);
  timer.unref?.();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

/** Publishes a bare source's samples (no twin: predictions and residuals null) and link state. */
export function publishSource(
  source: RigSource,
  sourceLabel: string,
  publisher: SessionPublisher,
): () => void {
  const status = (): void => {
    const h = source.hello;
    publisher.setStatus({
      source: sourceLabel,
      link: source.state,
      firmware: h === null ? "" : `${h.fwName} ${h.fwVersion}`,
      uid: h?.uid ?? "",
    });
  };
  const unsubscribe = source.subscribe((e) => {
    if (e.kind === "sample") publisher.sample(e.sample, NO_TWIN);
    else if (e.kind === "link" || e.kind === "hello") status();
  });
  status();
  publisher.openAlarms([]);
  return unsubscribe;
}
