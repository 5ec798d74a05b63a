/**
 * The terminal dashboard as one observer of the live session: pushed events go into the view
 * model as they happen, pulled state (open alarms, loop figures, link) once per frame.
 */
import type { SessionObserver } from "../session/sessionObserver.js";
import type { WatchedSession } from "../session/watchedSession.js";
import type { DashboardViewModel } from "./viewModel.js";

/**
 * Feeds `vm` from `session`; returns the unsubscribe function. A notice the session withdraws
 * (`""`, a link that came back) clears the status line only while it still shows that notice,
 * not a message the screen put there since.
 */
export function observeIntoViewModel(session: WatchedSession, vm: DashboardViewModel): () => void {
  let lastSessionNotice = "";
  const observer: SessionObserver = {
    sample: (s, out) => vm.addSample(s, out),
    alarm: (e) => vm.addAlarmEvent(e),
    notice: (text, level) => {
      if (text !== "" || vm.noticeText === lastSessionNotice) vm.setNotice(text, level);
      lastSessionNotice = text;
    },
    override: (text) => vm.setOverride(text),
    setpoints: (sp) => vm.setSetpoints(sp),
    label: (tS, action, text) => vm.addLabel(tS, action, text),
    injections: (list) => vm.setInjections(list),
  };
  return session.subscribe(observer);
}

/**
 * Pulls alarms, loop figures, link figures, injections, the learned detector's state and a remote
 * feed's state into the view model (per frame).
 */
export function refreshViewModel(session: WatchedSession, vm: DashboardViewModel): void {
  vm.setOpenAlarms(session.openAlarms());
  vm.setPerformance(session.performance());
  vm.setLink(session.status());
  vm.setInjections(session.activeInjections());
  vm.setLearned(session.learnedStatus?.() ?? null);
  const feed = session.describeFeed?.();
  if (feed !== undefined) vm.setBroker(feed);
}
