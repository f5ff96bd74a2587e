/**
 * The dashboard's own rules, served after the report's stylesheet (whose map, panel, tables, badges
 * and filters it reuses). System fonts only; every colour has a word or a shape beside it.
 */
export const dashboardStyle = String.raw`
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: 6px 10px; z-index: 20; }
.skip:focus { left: 8px; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 8px 16px; border-bottom: 1px solid var(--line); background: var(--soft); }
.brand { font-weight: 700; color: var(--fg); text-decoration: none; font-size: 1.1rem; }
.bar nav { display: flex; flex-wrap: wrap; gap: 4px 14px; flex: 1; }
.bar nav a { color: var(--fg); text-decoration: none; padding: 4px 2px; border-bottom: 3px solid transparent; }
.bar nav a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
.bar button, .filters button, .pager a, .signin button { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 12px; cursor: pointer; color: var(--fg); text-decoration: none; display: inline-block; }
#view:focus { outline: none; }
#view h1 { margin-top: 8px; }
.notice, .error { border-left: 4px solid var(--gap); padding: 4px 10px; margin: 8px 0; }
.error:empty { display: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 12px 0; padding: 0; list-style: none; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card h3 { margin: 0 0 4px; font-size: 0.95rem; }
.change { font-size: 12px; color: var(--muted); }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
@media (max-width: 760px) { .two { grid-template-columns: minmax(0, 1fr); } }
dl.run { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; }
dl.run dt { font-weight: 600; } dl.run dd { margin: 0; }
.part-failed, .part-stale { font-weight: 600; }
.part-failed::before { content: "✗ "; color: var(--gap); } .part-stale::before { content: "⚠ "; color: var(--partial); } .part-ok::before { content: "✓ "; color: var(--met); }
.run-failed { color: var(--gap); font-weight: 600; } .run-running, .run-queued { color: var(--partial); font-weight: 600; }
/* the score chart: lines told apart by dash and marker shape as well as colour, labelled at their ends */
.chart { width: 100%; max-width: 860px; height: auto; display: block; font: 11px system-ui, sans-serif; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { fill: var(--muted); }
.chart .line { fill: none; stroke-width: 2.2; }
.chart .point { stroke: #fff; stroke-width: 1; }
.chart .end-label { font-weight: 600; }
.s-overall .line { stroke: #1f2328; } .s-overall .point, .s-overall .end-label { fill: #1f2328; }
.s-build .line { stroke: #0969da; } .s-build .point, .s-build .end-label { fill: #0969da; }
.s-distribute .line { stroke: #8250df; stroke-dasharray: 7 4; } .s-distribute .point, .s-distribute .end-label { fill: #8250df; }
.s-run .line { stroke: #bc4c00; stroke-dasharray: 2 3; } .s-run .point, .s-run .end-label { fill: #bc4c00; }
.s-host .line { stroke: #1a7f37; stroke-dasharray: 10 3 2 3; } .s-host .point, .s-host .end-label { fill: #1a7f37; }
.chart-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 4px 0; padding: 0; list-style: none; }
.chart-legend svg { vertical-align: -2px; margin-right: 4px; }
.diff-list li { margin: 6px 0; }
.kind { font-size: 11px; font-weight: 700; text-transform: uppercase; color: var(--muted); }
.vulns { display: flex; flex-wrap: wrap; gap: 4px; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 12px; }
.filters fieldset legend { font-weight: 600; padding: 0; margin-bottom: 2px; }
.filters fieldset label { flex-direction: row; align-items: center; gap: 4px; font-weight: 400; }
.filters .check { flex-direction: row; align-items: center; gap: 6px; }
.filters input[type="checkbox"] { width: auto; margin: 0; }
.pager { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 10px 0; }
.items .c-sev { width: 10%; } .items .c-rule { width: 14%; } .items .c-title { width: 34%; } .items .c-where { width: 22%; } .items .c-when { width: 20%; }
.hosts .c-host { width: 16%; } .hosts .c-os { width: 18%; } .hosts .c-engines { width: 20%; } .hosts .c-containers { width: 8%; } .hosts .c-findings { width: 16%; } .hosts .c-unknown { width: 10%; } .hosts .c-seen { width: 12%; }
.images .c-image { width: 40%; } .images .c-platform { width: 12%; } .images .c-vulns { width: 24%; } .images .c-running { width: 10%; } .images .c-seen { width: 14%; }
dl.facts.image { margin: 8px 0 16px; }
.signin { max-width: 420px; margin: 10vh auto; padding: 16px; }
.signin form { display: flex; flex-direction: column; gap: 8px; }
.signin input { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
.signin button { align-self: flex-start; background: var(--accent); color: #fff; border-color: var(--accent); }
`;
