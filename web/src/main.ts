/**
 * The page's entry (docs/web.md): one store, fed by the standalone twin run (opened from disk or
 * any static host) or by `looptwin serve`'s live stream (when the page's own server answers
 * `/api/health`); the panels, charts and keys read only the store.
 */
import { CHART_DEFS, type ChartDef, ChartPanel, chartsToPng } from "./charts.js";
import { Controls } from "./controls.js";
import { exportFileName, rangeToCsv } from "./csvExport.js";
import { byId, download, el } from "./dom.js";
import { LivePage, probeLiveServer } from "./livePage.js";
import type { PageControl } from "./pageControl.js";
import { PageStore } from "./pageStore.js";
import { Panels } from "./panels.js";
import { parseRunUrl, type RunSpeed } from "./runUrl.js";
import { StandalonePage } from "./standalonePage.js";
import { buildViews } from "./views/viewsPage.js";
import { WebSerialPage, webSerialOf } from "./webSerialPage.js";

const CHART_REDRAW_MS = 50;
const PANEL_REDRAW_MS = 200;

const store = new PageStore();
const messageEl = byId("message");

/** Shows one line (a bad URL value, a refused control) or hides the line for "". */
function say(text: string): void {
  messageEl.textContent = text;
  messageEl.hidden = text === "";
}

// ------------------------------------------------------------------ charts

const chartsEl = byId("charts");
const readouts = new Map<ChartDef, HTMLElement>();
const charts: ChartPanel[] = [];

function chartSize(): { w: number; h: number } {
  const w = Math.max(200, Math.floor(chartsEl.clientWidth - 10));
  return { w, h: window.innerWidth < 600 ? 170 : 210 };
}

function buildCharts(): void {
  for (const c of charts) c.destroy();
  charts.length = 0;
  chartsEl.replaceChildren();
  const { w, h } = chartSize();
  for (const def of CHART_DEFS) {
    const box = el("section", "chart");
    box.setAttribute("aria-label", def.title);
    box.dataset.chart = def.id;
    const h2 = el("h2", "", def.title);
    const ro = el("span", "readout");
    h2.append(ro);
    readouts.set(def, ro);
    const plot = el("div");
    box.append(h2, plot);
    chartsEl.append(box);
    charts.push(new ChartPanel(def, store, plot, w, h));
  }
}
buildCharts();
let lastWidth = chartsEl.clientWidth;
new ResizeObserver(() => {
  if (chartsEl.clientWidth === lastWidth) return;
  lastWidth = chartsEl.clientWidth;
  const { w, h } = chartSize();
  for (const c of charts) c.resize(w, h);
}).observe(chartsEl);
// Colours come from CSS variables: a light/dark switch rebuilds the charts in the new scheme.
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
  buildCharts();
  chartVersion = -1;
});

// ------------------------------------------------------------------ panels and redraw

let control: PageControl | null = null;
const panels = new Panels(
  {
    status: byId("status"),
    alarms: byId("alarms"),
    alarmLog: byId("alarm-log"),
    figures: byId("figures"),
    injections: byId("injections"),
    readouts,
  },
  store,
  (cause) => void control?.acknowledge(cause).then((p) => say(p ?? "")),
);

let chartVersion = -1;
let panelVersion = -1;
let lastChartMs = 0;
let lastPanelMs = 0;
let controls: Controls | null = null;

/** Redraws what changed, at most every CHART_REDRAW_MS (charts) and PANEL_REDRAW_MS (text). */
function redraw(): void {
  const now = performance.now();
  if (store.version !== chartVersion && now - lastChartMs >= CHART_REDRAW_MS) {
    chartVersion = store.version;
    lastChartMs = now;
    for (const c of charts) c.update();
  }
  if (store.version !== panelVersion && now - lastPanelMs >= PANEL_REDRAW_MS) {
    panelVersion = store.version;
    lastPanelMs = now;
    panels.render();
    byId("window").textContent = `${store.windowS} s`;
    const range = store.visibleRange();
    const last = range.length - 1;
    if (controls !== null && last >= 0) {
      const col = (n: Parameters<PageStore["columnOf"]>[0]): number =>
        store.columnOf(n, range)[last] as number;
      controls.showDuties(store.setpoints, {
        pumpDuty: col("pumpApplied"),
        heaterDuty: col("heaterApplied"),
        fanDuty: col("fanApplied"),
      });
    }
  }
}

// ------------------------------------------------------------------ common controls

const pauseBtn = byId<HTMLButtonElement>("pause");
let onPause: (paused: boolean) => void = () => {};
function togglePause(): void {
  const paused = store.togglePause();
  pauseBtn.setAttribute("aria-pressed", String(paused));
  pauseBtn.textContent = paused ? "Resume" : "Pause";
  onPause(paused);
  redraw();
}
pauseBtn.addEventListener("click", togglePause);
/** A window step shows at once (the panels may not redraw for another 200 ms). */
function stepWindow(wider: boolean): void {
  byId("window").textContent = `${wider ? store.widen() : store.narrow()} s`;
}
byId("widen").addEventListener("click", () => stepWindow(true));
byId("narrow").addEventListener("click", () => stepWindow(false));

function exportCsv(): void {
  const csv = rangeToCsv(store, store.visibleRange());
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  download(exportFileName(store.latestTS, "csv"), url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
byId("export-csv").addEventListener("click", exportCsv);
byId("export-png").addEventListener("click", () => {
  const css = getComputedStyle(document.documentElement);
  download(
    exportFileName(store.latestTS, "png"),
    chartsToPng(charts, css.getPropertyValue("--bg").trim(), css.getPropertyValue("--fg").trim()),
  );
});

// ------------------------------------------------------------------ views

const monitorView = byId("view-monitor");
const extraView = byId("view-extra");
const showExtra = buildViews(extraView);
for (const tab of document.querySelectorAll<HTMLButtonElement>(".tab")) {
  tab.addEventListener("click", () => {
    const view = tab.dataset.view ?? "monitor";
    for (const t of document.querySelectorAll<HTMLButtonElement>(".tab"))
      t.setAttribute("aria-pressed", String(t === tab));
    monitorView.hidden = view !== "monitor";
    extraView.hidden = view === "monitor";
    showExtra(view);
  });
}

let restart: () => void = () => {};
document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  // The keys act on the Monitoring view only.
  if (monitorView.hidden) return;
  const t = ev.target as HTMLElement | null;
  if (t !== null && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
  const act: Record<string, () => void> = {
    " ": togglePause,
    "+": () => stepWindow(true),
    "=": () => stepWindow(true),
    "-": () => stepWindow(false),
    a: () => void control?.acknowledge().then((p) => say(p ?? "")),
    x: () => void control?.endFaults().then((p) => say(p ?? "")),
    c: exportCsv,
    r: () => restart(),
  };
  const f = act[ev.key];
  if (f === undefined) return;
  // Space on a focused button presses it: leave that to the button.
  if (ev.key === " " && t !== null && t.tagName === "BUTTON") return;
  ev.preventDefault();
  f();
});

function hideStandaloneOnly(): void {
  for (const e of document.querySelectorAll<HTMLElement>("[data-standalone]")) e.hidden = true;
}

// ------------------------------------------------------------------ modes

function startStandalone(): void {
  const { run, errors } = parseRunUrl(location.search);
  const page = new StandalonePage(run, store, redraw);
  if (page.run.problems.length > 0 || errors.length > 0) say([...errors, ...page.run.problems].join(" · "));
  control = page;
  const speedEl = byId<HTMLSelectElement>("speed");
  speedEl.value = String(run.speed);
  if (speedEl.value === "") {
    const o = el("option", "", `${run.speed}x`);
    o.value = String(run.speed);
    speedEl.append(o);
    speedEl.value = o.value;
  }
  speedEl.addEventListener("change", () => {
    page.speed = (speedEl.value === "max" ? "max" : Number(speedEl.value)) as RunSpeed;
  });
  const seedEl = byId<HTMLInputElement>("seed");
  seedEl.value = String(run.seed);
  restart = () => {
    const seed = Number(seedEl.value);
    if (!(Number.isSafeInteger(seed) && seed >= 0)) {
      say(`seed: must be a whole number >= 0 (got ${JSON.stringify(seedEl.value)})`);
      return;
    }
    page.restart(seed);
    chartVersion = -1;
    say("");
  };
  byId("restart").addEventListener("click", restart);
  byId("copy-link").addEventListener("click", () => {
    history.replaceState(null, "", `${location.pathname}${page.currentUrlQuery()}`);
    say("");
  });
  onPause = (paused) => {
    page.loop.paused = paused;
  };
  controls = new Controls({
    // Through `control`: a rig connected over Web Serial takes the sliders and buttons over.
    control: forwardControl,
    say,
    setpoints: page.run.setpoints,
    params: page.run.params,
    onParam: (name, value) => say(page.setParam(name, value) ?? ""),
  });
  // The run, for bench/webPage.bench.ts (simulated seconds) and scripts/webScreenshots.ts (pause time).
  (window as unknown as { looptwinPage: unknown }).looptwinPage = page;
  page.loop.start();
  offerWebSerial(page);
}

/** The page's controls act on whatever feeds the store now (`control`). */
const forwardControl: PageControl = {
  setSetpoints: (sp) => control?.setSetpoints(sp) ?? Promise.resolve(null),
  inject: (spec) => control?.inject(spec) ?? Promise.resolve(null),
  endFaults: () => control?.endFaults() ?? Promise.resolve(null),
  acknowledge: (cause) => control?.acknowledge(cause) ?? Promise.resolve(null),
};

/**
 * Web Serial (docs/web.md "Web Serial"): offered on a standalone page in a browser that has
 * `navigator.serial`; a connected rig replaces the browser twin as the store's feed.
 */
function offerWebSerial(standalone: StandalonePage): void {
  const serial = webSerialOf(navigator);
  if (serial === null) return;
  byId("serial-row").hidden = false;
  const button = byId<HTMLButtonElement>("connect-serial");
  button.addEventListener("click", () => {
    button.disabled = true;
    say("Web Serial: choose the rig's port…");
    let opened = false;
    const onOpen = (): void => {
      opened = true;
      standalone.loop.stop();
    };
    void WebSerialPage.connect(serial, store, say, redraw, onOpen).then((rig) => {
      if (rig === null) {
        button.disabled = false;
        // The port opened but the rig did not answer: the browser twin runs again.
        if (opened) {
          const problem = messageEl.textContent;
          restart();
          standalone.loop.start();
          say(problem ?? "");
        }
        return;
      }
      control = rig;
      // A lost port: the button again (opening a port needs the user's click).
      rig.onClosed = () => {
        byId("serial-row").hidden = false;
        button.disabled = false;
        // No sample follows to redraw the link state once the panels' throttle has passed.
        setTimeout(redraw, PANEL_REDRAW_MS + 50);
      };
      restart = () => {};
      onPause = () => {};
      hideStandaloneOnly();
      byId("speed").closest("label")!.hidden = true;
      byId("serial-row").hidden = true;
      byId("mode").textContent = "Web Serial";
      chartVersion = -1;
      (window as unknown as { looptwinRig: unknown }).looptwinRig = rig;
    });
  });
}

function startLive(): void {
  byId("mode").textContent = "live";
  hideStandaloneOnly();
  const live = new LivePage(store, say, redraw);
  control = live;
  onPause = () => {};
  byId("speed").closest("label")!.hidden = true;
  controls = new Controls({ control: live, say, setpoints: store.setpoints });
  live.onControlChange = (allowed) => {
    panels.canAcknowledge = allowed;
    for (const e of document.querySelectorAll<HTMLElement>(".control-ui")) e.hidden = !allowed;
    panelVersion = -1;
  };
  live.start();
}

void probeLiveServer(location).then((live) => (live ? startLive() : startStandalone()));
