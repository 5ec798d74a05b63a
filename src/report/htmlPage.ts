/**
 * The page every report is: one self-contained HTML file (styles inline, no script needed, no
 * request to any host: the Content-Security-Policy says so and the browser enforces it), light
 * and dark from `prefers-color-scheme`, one column that fits a 390 px phone without sideways
 * scrolling.
 */
import { escapeHtml } from "./html.js";

/** What the page allows itself: inline styles and scripts, data: images, nothing from anywhere. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;
--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--err:#8250df;
--hot:#d1242f;--cold:#0969da;--flow:#1a7f37;--score:#8250df;--pump:#0969da;--heater:#d1242f;--fan:#6e7781;
--fault:rgba(255,140,0,.16);--gap:rgba(110,119,129,.22);--crit:#cf222e;--warn:#bf8700;--evt:#6e7781}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#151b23;
--pass:#3fb950;--fail:#f85149;--skip:#d29922;--err:#ab7df8;
--hot:#ff7b72;--cold:#58a6ff;--flow:#3fb950;--score:#d2a8ff;--pump:#58a6ff;--heater:#ff7b72;--fan:#9198a1;
--fault:rgba(255,166,87,.18);--gap:rgba(145,152,161,.25);--crit:#f85149;--warn:#d29922;--evt:#9198a1}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;margin:0 0 .3em}h3{font-size:1em;margin:.9em 0 .3em}
a{color:var(--cold)}
.muted{color:var(--muted)}
.facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin:.4em 0;padding:0;list-style:none}
.facts b{font-weight:600}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:.6em 0}
.count{border:1px solid var(--line);border-radius:6px;padding:4px 10px;background:var(--card)}
.badge{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;padding:0 6px;color:#fff;font-size:.82em;font-weight:600;text-transform:uppercase;vertical-align:1px}
.passed{background:var(--pass)}.failed{background:var(--fail)}.skipped{background:var(--skip)}.error{background:var(--err)}.not_reached,.done{background:var(--muted)}
nav ol{padding-left:1.4em;margin:.4em 0}nav li{margin:2px 0}
section.run{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:14px 0;background:var(--bg)}
.reason{border-left:3px solid var(--fail);padding:2px 8px;margin:.4em 0;background:var(--card)}
ul.checks{list-style:none;padding:0;margin:0}
ul.checks li{border-top:1px solid var(--line);padding:5px 0}
ul.checks .what{display:block;color:var(--muted);font-size:.92em}
details{margin:.5em 0}summary{cursor:pointer;color:var(--muted)}
pre{white-space:pre-wrap;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--card);padding:8px;border-radius:6px;margin:.3em 0}
figure.plot{margin:10px 0}
figure.plot figcaption{font-weight:600;font-size:.92em}
figure.plot svg{display:block;width:100%;height:auto}
svg .frame{fill:none;stroke:var(--line)}
svg .grid{stroke:var(--line);stroke-width:.6}
svg .tick{fill:var(--muted);font-size:11px}
svg .winlabel{fill:var(--fg);font-size:10px}
svg .win.fault{fill:var(--fault)}svg .win.gap{fill:var(--gap)}
svg .ref{stroke:var(--crit);stroke-dasharray:2 3;stroke-width:1}
svg .line{fill:none;stroke-width:1.3;stroke-linejoin:round}
svg .line.twin{stroke-dasharray:5 3}
svg .hot{stroke:var(--hot)}svg .cold{stroke:var(--cold)}svg .flow{stroke:var(--flow)}svg .score{stroke:var(--score)}
svg .pump{stroke:var(--pump)}svg .heater{stroke:var(--heater)}svg .fan{stroke:var(--fan)}
svg .mark line{stroke-width:1}svg .mark.critical line{stroke:var(--crit)}svg .mark.critical path{fill:var(--crit)}
svg .mark.warning line{stroke:var(--warn)}svg .mark.warning path{fill:var(--warn)}
svg .mark.event line{stroke:var(--evt);stroke-dasharray:1 2}svg .mark.event path{fill:var(--evt)}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:2px 14px;padding:0;margin:2px 0 0;font-size:.85em;color:var(--muted)}
.sw{display:inline-block;width:18px;height:0;border-top:2px solid;margin-right:5px;vertical-align:middle}
.sw.twin{border-top-style:dashed}
.sw.hot{border-color:var(--hot)}.sw.cold{border-color:var(--cold)}.sw.flow{border-color:var(--flow)}.sw.score{border-color:var(--score)}
.sw.pump{border-color:var(--pump)}.sw.heater{border-color:var(--heater)}.sw.fan{border-color:var(--fan)}
.sw.win{height:10px;border:0}.sw.win.fault{background:var(--fault)}.sw.win.gap{background:var(--gap)}
.sw.mk{width:0;height:12px;border-top:0;border-left:2px solid}.sw.mk.critical{border-color:var(--crit)}.sw.mk.warning{border-color:var(--warn)}.sw.mk.event{border-color:var(--evt);border-left-style:dotted}
.sw.ref{border-top:2px dotted var(--crit)}
@media (max-width:600px){main{padding:8px}svg .tick{font-size:19px}svg .winlabel{font-size:16px}section.run{padding:8px}}
`;

export interface PageParts {
  /** `<title>`. */
  readonly title: string;
  /** HTML of the page body (already escaped where it holds data). */
  readonly bodyHtml: string;
}

/** The whole document. */
export function htmlPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="generator" content="looptwin">
<title>${escapeHtml(parts.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${parts.bodyHtml}
</main>
</body>
</html>
`;
}
