/** The report's one stylesheet: readable from a phone to a wide monitor, light or dark. */
export const REPORT_STYLE = `
:root { color-scheme: light dark; --bg: #fbfbfa; --fg: #1d1d1f; --muted: #62646a; --line: #dedfe3;
  --card: #ffffff; --gui: #2563eb; --mcp: #7c3aed; --ok: #15803d; --warn: #b45309; --bad: #b91c1c;
  --code: #f2f3f5; --marker: #ff2d55; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16171a; --fg: #e8e8ea; --muted: #a0a3aa; --line: #2e3036; --card: #1e2024;
    --code: #26282d; --gui: #60a5fa; --mcp: #a78bfa; --ok: #4ade80; --warn: #fbbf24; --bad: #f87171; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 16px; }
header h1 { font-size: 1.35rem; margin: 0 0 12px; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.status { font-weight: 600; }
.status.done { color: var(--ok); } .status.failed, .status.error { color: var(--bad); }
.status.max_steps, .status.interrupted, .status.running { color: var(--warn); }
.keys { color: var(--muted); font-size: 0.85rem; margin: 10px 0 0; }
kbd { border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; font-size: 0.8rem; }
nav.timeline { display: flex; flex-wrap: wrap; gap: 4px; margin: 16px 0; padding: 0; list-style: none; }
nav.timeline a { display: inline-block; min-width: 2.6em; text-align: center; padding: 2px 6px;
  border-radius: 6px; border: 1px solid var(--line); text-decoration: none; color: var(--fg);
  font-size: 0.85rem; background: var(--card); }
nav.timeline a.gui { border-bottom: 3px solid var(--gui); }
nav.timeline a.mcp { border-bottom: 3px solid var(--mcp); }
nav.timeline a.off_track { background: color-mix(in srgb, var(--bad) 18%, var(--card)); }
article.step { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--gui);
  border-radius: 10px; padding: 12px 14px; margin: 0 0 14px; scroll-margin-top: 10px; }
article.step.mcp { border-left-color: var(--mcp); }
article.step:focus { outline: 2px solid var(--gui); outline-offset: 2px; }
article.step h2 { font-size: 1rem; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px 10px;
  align-items: baseline; }
.kind { font-size: 0.75rem; font-weight: 700; padding: 1px 6px; border-radius: 4px; color: #fff;
  background: var(--gui); }
.mcp .kind { background: var(--mcp); }
.call { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9rem;
  overflow-wrap: anywhere; }
.verdict { font-size: 0.8rem; padding: 1px 6px; border-radius: 10px; border: 1px solid currentColor; }
.verdict.on_track { color: var(--ok); } .verdict.off_track { color: var(--bad); }
.verdict.complete { color: var(--gui); }
.duration { color: var(--muted); font-size: 0.85rem; margin-left: auto; }
.body { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 14px; }
@media (max-width: 760px) { .body { grid-template-columns: 1fr; } .duration { margin-left: 0; } }
.body.no-shot { grid-template-columns: 1fr; }
figure { margin: 0; }
details.screen summary { cursor: pointer; color: var(--muted); font-size: 0.85rem; }
details.screen figure { margin-top: 6px; max-width: 720px; }
figure svg { width: 100%; height: auto; display: block; border-radius: 6px; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 4px; }
.marker circle.ring { fill: none; stroke: var(--marker); }
.marker circle.dot { fill: var(--marker); }
.marker line { stroke: var(--marker); }
dl.details { margin: 0; }
dl.details dt { color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em;
  margin-top: 8px; }
dl.details dt:first-child { margin-top: 0; }
dl.details dd { margin: 2px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre { margin: 2px 0 0; padding: 8px; background: var(--code); border-radius: 6px; white-space: pre-wrap;
  overflow-wrap: anywhere; max-height: 28em; overflow: auto; font-size: 0.85rem; }
.error { color: var(--bad); }
footer { color: var(--muted); font-size: 0.8rem; margin: 24px 0 8px; }
`;
