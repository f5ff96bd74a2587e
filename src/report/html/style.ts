/**
 * The report's stylesheet, inlined. System fonts only (no font files), colours with text beside them,
 * one breakpoint: under 760px tables become stacked cards and the side panel a bottom sheet. The map
 * scrolls inside its own box so the page never scrolls sideways.
 */
export const reportStyle = String.raw`
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --soft: #f6f8fa; --line: #d1d9e0; --accent: #0969da;
  --met: #1a7f37; --partial: #9a6700; --gap: #cf222e; --unknown: #59636e; --accepted: #0969da;
  --crit: #82071e; --high: #cf222e; --med: #9a6700; --low: #0969da; --unk: #59636e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
main { max-width: 1240px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; line-height: 1.25; }
h2 { font-size: 1.3rem; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 18px 0 8px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
code { background: var(--soft); border-radius: 4px; padding: 0 3px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px; margin: 6px 0; max-width: 100%; overflow-x: auto; white-space: pre; overflow-wrap: normal; }
pre code { background: none; padding: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #fd8c73; outline-offset: 2px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
ul.plain { list-style: none; padding: 0; margin: 4px 0; }
ul.plain > li { margin: 4px 0; }
button { font: inherit; }
button.link { background: none; border: 0; padding: 0; color: var(--accent); text-decoration: underline; cursor: pointer; text-align: left; }
.top nav { display: flex; flex-wrap: wrap; gap: 16px; margin: 8px 0 0; }
.scores { display: grid; grid-template-columns: minmax(180px, 1fr) 3fr; gap: 16px; margin-top: 16px; align-items: start; }
.overall { border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.overall-label, .phase-name { display: block; font-weight: 600; }
.score-num { font-size: 1.5rem; font-weight: 700; display: block; }
.score-num.big { font-size: 2.6rem; line-height: 1.1; }
.score-num.not-assessed { font-size: 1.1rem; font-weight: 600; color: var(--muted); }
.of { font-size: 0.9rem; font-weight: 400; color: var(--muted); }
.phase-scores { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin: 0; }
.phase-score { border: 1px solid var(--line); border-radius: 8px; padding: 10px; margin: 0 !important; }
.phase-score a { color: inherit; text-decoration: none; }
.counts { display: block; font-size: 12px; }
.meter { display: block; width: 100%; height: 8px; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; overflow: hidden; margin: 6px 0; }
.meter rect { fill: none; }
.band-good .meter rect { fill: var(--met); } .band-fair .meter rect { fill: #d4a72c; } .band-poor .meter rect { fill: var(--gap); }
.summary { grid-column: 1 / -1; background: var(--soft); border-radius: 8px; padding: 4px 14px; }
.not-assessed { border-left: 4px solid #d4a72c; padding: 2px 10px; margin: 8px 0; } .not-assessed ul { margin: 4px 0; padding-left: 18px; }
.status { display: inline-block; white-space: nowrap; border-radius: 12px; padding: 0 8px; font-weight: 600; font-size: 12px; color: #fff; }
.st-met { background: var(--met); } .st-partial { background: var(--partial); } .st-gap { background: var(--gap); } .st-unknown { background: var(--unknown); } .st-accepted { background: var(--accepted); }
.sev { display: inline-block; border-radius: 4px; padding: 0 6px; font-weight: 700; font-size: 11px; color: #fff; letter-spacing: 0.02em; }
.sev-critical { background: var(--crit); } .sev-high { background: var(--high); } .sev-medium { background: var(--med); } .sev-low { background: var(--low); } .sev-unknown { background: var(--unk); }
.evidence li.ok > span[aria-hidden] { color: var(--met); font-weight: 700; }
.evidence li.bad > span[aria-hidden] { color: var(--gap); font-weight: 700; }
.accepted-note { margin: 4px 0; color: var(--accepted); }
.detail, .where { color: var(--muted); font-size: 12px; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
.small-head { margin: 6px 0 0; font-weight: 600; font-size: 12px; }
/* proposed changes: the manual badge; the patch, collapsed, its lines coloured by kind (the +/- says it too); its copy button, shown once the script wired it */
.manual { display: inline-block; border: 1px solid var(--muted); border-radius: 4px; padding: 0 5px; font-size: 11px; font-weight: 700; color: var(--muted); line-height: 1.4; }
details.patch { margin: 4px 0; }
.patch-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 4px 0 0; }
.copy-patch { display: none; border: 1px solid var(--line); background: var(--soft); border-radius: 6px; padding: 1px 10px; cursor: pointer; font-size: 12px; min-height: 28px; }
.can-copy .copy-patch { display: inline-block; }
.copy-status { font-size: 12px; color: var(--muted); }
pre.diff { padding: 4px 0; }
pre.diff code { display: inline-block; min-width: 100%; }
pre.diff code > span { display: block; padding: 0 8px; }
.d-add { background: #dafbe1; color: #116329; } .d-del { background: #ffebe9; color: #82071e; }
.d-hunk { background: #ddf4ff; color: #0550ae; } .d-meta { font-weight: 700; } .d-note { color: var(--muted); font-style: italic; }
.cc { border: 1px solid currentColor; border-radius: 3px; padding: 0 1px; font-size: 10px; }
.copy-buffer { position: fixed; top: 0; left: -10000px; width: 1px; height: 1px; opacity: 0; }
/* tables */
.table-wrap { max-width: 100%; overflow-x: auto; }
table.tbl { width: 100%; border-collapse: collapse; table-layout: fixed; }
.tbl th, .tbl td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
.tbl thead th { background: var(--soft); position: sticky; top: 0; }
.controls .c-control { width: 18%; } .controls .c-status { width: 9%; } .controls .c-summary { width: 21%; } .controls .c-evidence { width: 24%; } .controls .c-changes { width: 28%; }
.findings .c-sev { width: 10%; } .findings .c-id { width: 16%; } .findings .c-title { width: 36%; } .findings .c-where { width: 28%; } .findings .c-phase { width: 10%; }
.row-gap td:first-child { box-shadow: inset 4px 0 0 var(--gap); } .row-partial td:first-child { box-shadow: inset 4px 0 0 var(--partial); }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; background: var(--soft); padding: 10px; border-radius: 8px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; font-weight: 600; gap: 2px; min-width: 0; }
.filters input, .filters select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; }
.filters input { width: 260px; }
.count { font-weight: 600; }
/* map */
.map-tools { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 6px; }
.map-tools button { border: 1px solid var(--line); background: var(--soft); border-radius: 6px; padding: 2px 10px; cursor: pointer; min-width: 36px; min-height: 32px; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 12px; color: var(--muted); margin: 6px 0; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 6px; vertical-align: -2px; margin-right: 4px; }
.legend .swatch.gap { background: var(--gap); } .legend .swatch.path { background: var(--accent); }
#map-scroll { max-width: 100%; max-height: 75vh; overflow: auto; scrollbar-gutter: stable; border: 1px solid var(--line); border-radius: 8px; background: #fff; -webkit-overflow-scrolling: touch; }
#map-svg { display: block; max-width: none; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif; }
#map-svg .column { fill: #fbfcfd; } #map-svg .column.odd { fill: #f3f5f8; }
#map-svg .stage-head rect { fill: #e7ecf2; stroke: var(--line); }
#map-svg .stage-head text { font-weight: 700; font-size: 13px; fill: var(--fg); }
#map-svg .stage-head, #map-svg .node { cursor: pointer; outline: none; }
#map-svg .stage-head:hover rect, #map-svg .stage-head:focus-visible rect { fill: #d5e2f3; stroke: var(--accent); stroke-width: 2; }
#map-svg .placeholder rect { fill: none; stroke: #9aa5b1; stroke-dasharray: 4 3; }
#map-svg .placeholder text { fill: var(--muted); font-style: italic; }
#map-svg .edge { fill: none; stroke: #8c959f; stroke-width: 1.3; }
#map-svg .edge.uncertain { stroke-dasharray: 5 3; }
#map-svg marker path { fill: #8c959f; }
#map-svg .node .box { fill: #fff; stroke: #8c959f; stroke-width: 1.2; }
#map-svg .node .caption { fill: var(--muted); font-size: 10px; text-transform: uppercase; letter-spacing: 0.03em; }
#map-svg .node .label { fill: var(--fg); font-weight: 600; }
#map-svg .nk-repository .box { fill: #f1f8ff; } #map-svg .nk-pipeline .box { fill: #fff8e6; } #map-svg .nk-dockerfile .box { fill: #f6f0ff; }
#map-svg .nk-image .box { fill: #eefbf1; } #map-svg .nk-registry .box { fill: #e9f5f7; } #map-svg .nk-workload .box { fill: #fff1ef; }
#map-svg .nk-cluster .box { fill: #fdeff8; } #map-svg .nk-node .box { fill: #f2f2f2; }
#map-svg .has-gap .box { stroke: var(--gap); stroke-width: 2; }
#map-svg .badge circle { fill: var(--gap); stroke: #fff; stroke-width: 1.5; }
#map-svg .badge text { fill: #fff; font-size: 11px; font-weight: 700; }
#map-svg .node:hover .box, #map-svg .node:focus-visible .box { stroke: var(--accent); stroke-width: 2.5; }
#map-svg .node:focus-visible .box { stroke-dasharray: 4 2; }
#map-svg.has-path .node:not(.on-path), #map-svg.has-path .edge:not(.on-path) { opacity: 0.22; }
#map-svg .edge.on-path { stroke: var(--accent); stroke-width: 2.6; }
#map-svg .node.on-path .box { stroke: var(--accent); stroke-width: 2.5; }
#map-svg .node.selected .box { stroke: #0550ae; stroke-width: 4; }
.diagnostics { font-size: 12px; }
/* side panel: a column on the right, a bottom sheet on narrow screens */
#panel { position: fixed; top: 0; right: 0; bottom: 0; width: min(420px, 100%); background: #fff; border-left: 1px solid var(--line); box-shadow: -6px 0 24px rgba(31, 35, 40, 0.18); z-index: 10; display: flex; flex-direction: column; }
#panel[hidden] { display: none; }
/* the open panel sits beside the page, not over the map: the lit path stays in sight */
body.panel-open main { margin-right: min(420px, 100%); }
#panel .panel-bar { display: flex; justify-content: flex-end; padding: 6px 8px; border-bottom: 1px solid var(--line); }
#panel-close { border: 1px solid var(--line); background: var(--soft); border-radius: 6px; padding: 2px 12px; cursor: pointer; min-height: 32px; }
#panel-body { overflow-y: auto; overflow-x: hidden; padding: 4px 16px 24px; flex: 1; }
#panel-body h2 { margin-top: 8px; }
#panel-body pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; }
.path-note { font-size: 12px; color: var(--accent); }
footer { margin: 32px 0 16px; color: var(--muted); font-size: 12px; }
@media (max-width: 760px) {
  main { padding: 10px; }
  h1 { font-size: 1.3rem; }
  .scores { grid-template-columns: minmax(0, 1fr); }
  .phase-scores { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .filters input { width: 100%; }
  .filters label { flex: 1 1 140px; }
  #map-scroll { max-height: 60vh; }
  body.panel-open main { margin-right: auto; padding-bottom: 70vh; }
  #panel { top: auto; left: 0; width: 100%; max-height: 70vh; border-left: 0; border-top: 1px solid var(--line); border-radius: 12px 12px 0 0; box-shadow: 0 -6px 24px rgba(31, 35, 40, 0.22); }
  table.tbl, .tbl tbody, .tbl tr, .tbl td { display: block; width: 100%; }
  .tbl thead, .tbl colgroup { display: none; }
  .tbl tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px; padding: 4px 0; }
  .tbl tr[hidden] { display: none; }
  .tbl td { border: 0; padding: 3px 10px; }
  .tbl td::before { content: attr(data-label); display: block; font-size: 11px; font-weight: 700; color: var(--muted); text-transform: uppercase; }
  .tbl tr.empty td::before { content: none; }
  /* findings cards: severity, id and phase on one line, then title and place */
  .findings tr:not(.empty) { display: flex; flex-wrap: wrap; align-items: baseline; }
  .findings td { order: 4; }
  .findings td:nth-child(1), .findings td:nth-child(2), .findings td:nth-child(5) { width: auto; padding-right: 0; }
  .findings td:nth-child(1) { order: 1; } .findings td:nth-child(2) { order: 2; } .findings td:nth-child(5) { order: 3; color: var(--muted); }
  .findings td:nth-child(1)::before, .findings td:nth-child(2)::before, .findings td:nth-child(5)::before { content: none; }
  .row-gap td:first-child, .row-partial td:first-child { box-shadow: none; }
  .row-gap { border-left: 4px solid var(--gap) !important; } .row-partial { border-left: 4px solid var(--partial) !important; }
}
@media print { #panel, .map-tools, .filters { display: none; } #map-scroll { max-height: none; overflow: visible; } }
`;
