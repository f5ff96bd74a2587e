import { createHash } from 'node:crypto';
import { html, joinHtml, trustedHtml } from './escape.js';
import type { ReportInput } from './input.js';
import { indexMap } from './map-index.js';
import { panelAside, renderMapParts } from './map-section.js';
import { pathRootsOf, withRelativePaths } from './paths.js';
import { reportScript } from './script.js';
import { renderControls, renderFindings, renderHeader } from './sections.js';
import { reportStyle } from './style.js';

/** The CSP source admitting exactly this inline script or stylesheet: its SHA-256, as browsers hash the element's text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing may be fetched (images only as data: URLs, no forms, no base), and nothing may run or
 * style the page but the report's own script and stylesheet, admitted by their hashes: a script or
 * style attribute that found its way into the page (an escaping bug) is refused by the browser.
 */
export const reportCsp = `default-src 'none'; style-src ${cspHash(reportStyle)}; script-src ${cspHash(reportScript)}; img-src data:; base-uri 'none'; form-action 'none'`;

/**
 * The posture report as one self-contained HTML file: scores and summary, the lifecycle map (laid
 * out here with ELK, drawn as SVG, with paths and side panels driven by a small inline script),
 * per-phase control tables and filterable findings tables. Every input string is escaped; paths are
 * shown relative to the estate's config and source folders; the output depends on the input only
 * (no clock, no random ids), so the same input renders the same bytes.
 */
export async function renderHtmlReport(given: ReportInput): Promise<string> {
  const input = withRelativePaths(given, pathRootsOf(given.map.inputs));
  const index = indexMap(input.map);
  const map = await renderMapParts(input, index);

  const page = joinHtml(
    [
      html`<!doctype html>`,
      html`<html lang="en">`,
      html`<head>`,
      html`<meta charset="utf-8">`,
      html`<meta http-equiv="Content-Security-Policy" content="${trustedHtml(reportCsp)}">`,
      html`<meta name="viewport" content="width=device-width, initial-scale=1">`,
      html`<meta name="referrer" content="no-referrer">`,
      html`<meta name="generator" content="Shipshape ${input.toolVersion}">`,
      html`<link rel="icon" href="data:,">`,
      html`<title>${input.title}</title>`,
      html`<style>${trustedHtml(reportStyle)}</style>`,
      html`</head>`,
      html`<body>`,
      html`<main>`,
      renderHeader(input),
      map.section,
      renderControls(input.posture, index),
      renderFindings(input.findings, index),
      html`<footer>Shipshape ${input.toolVersion} · posture ${input.posture.generatedAt} · map ${input.map.generatedAt}. This file is self-contained: it loads nothing from the network.</footer>`,
      html`</main>`,
      panelAside,
      map.panels,
      map.data,
      html`<script>${trustedHtml(reportScript)}</script>`,
      html`</body>`,
      html`</html>`,
      '',
    ],
    html`\n`,
  );
  return page.toString();
}
