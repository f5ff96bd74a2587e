import { describe, expect, it } from 'vitest';
import { html, type HtmlValue, joinHtml, type SafeHtml, trustedHtml } from './escape.js';
import { layoutMap } from './layout.js';
import { indexMap } from './map-index.js';
import { captionOf, renderMapSvg } from './map-svg.js';
import { nodeFactsOf } from './node-facts.js';
import { renderNodePanels, renderStagePanels } from './panels.js';
import { renderControls, renderFindings, renderHeader } from './sections.js';
import { hostileReportInput } from './test-sample.js';

const nasty = `<script>alert("x")</script> 'q' & co`;
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;q&#39; &amp; co';

describe('html`…`', () => {
  it('escapes every interpolated text and number, in text and in attributes', () => {
    expect(html`<td title="${nasty}">${nasty}</td>`.toString()).toBe(`<td title="${escaped}">${escaped}</td>`);
    expect(html`<td>${3}</td>`.toString()).toBe('<td>3</td>');
  });

  it('places markup html made as it is, lists item by item, and nothing for null, undefined and false', () => {
    const cell = html`<b>${nasty}</b>`;
    expect(html`<tr>${cell}</tr>`.toString()).toBe(`<tr><b>${escaped}</b></tr>`);
    expect(html`<ul>${['<a>', html`<li>x</li>`]}</ul>`.toString()).toBe('<ul>&lt;a&gt;<li>x</li></ul>');
    expect(html`${null}${undefined}${false}`.toString()).toBe('');
    expect(joinHtml([html`<p>`, '&'], html`\n`).toString()).toBe('<p>\n&amp;');
    expect(html`<style>${trustedHtml('a > b {}')}</style>`.toString()).toBe('<style>a > b {}</style>');
  });

  it('escapes an object that only looks like markup', () => {
    const forged = { toString: () => '<script>' } as unknown as HtmlValue;
    expect(html`${forged}`.toString()).toBe('&lt;script&gt;');
  });
});

describe('every section of the report escapes what it is given', async () => {
  const input = hostileReportInput();
  const index = indexMap(input.map);
  const facts = nodeFactsOf(input, index);
  const layout = await layoutMap(
    index,
    index.nodes.map((node, i) => captionOf(node, facts[i])),
  );
  const sections: [string, () => SafeHtml][] = [
    ['header', () => renderHeader(input)],
    ['controls', () => renderControls(input.posture, index)],
    ['findings', () => renderFindings(input.findings, index)],
    ['map', () => renderMapSvg(index, layout, facts)],
    ['node panels', () => renderNodePanels(index, facts)],
    ['stage panels', () => renderStagePanels(index, facts)],
  ];
  it.each(sections)('%s', (_name, render) => {
    const out = render().toString();
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).not.toContain(`'q'`);
    expect(out).not.toContain('"x"');
    // and the report's own markup is never escaped as text (html`…` + `…` once made a plain string)
    expect(out).not.toMatch(/&lt;\/?(li|span|ul|br|code|strong|button|div|g|text)\b/);
  });
});
