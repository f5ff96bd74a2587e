import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReportInput } from './input.js';
import { indexMap } from './map-index.js';
import { maxMarked } from './node-facts.js';
import { renderHtmlReport } from './render.js';
import { hostile, hostileReportInput, sampleReportInput } from './test-sample.js';

/** The markup outside `<script>` and `<style>` bodies (escaped text never holds a raw `<`, so every `<x` left is a tag). */
function markupOf(html: string): string {
  return html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2').replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/g, '$1$2');
}

interface Tag {
  name: string;
  attributes: Map<string, string>;
}

function tagsOf(html: string): Tag[] {
  const tags: Tag[] = [];
  for (const match of markupOf(html).matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const a of (match[2] ?? '').matchAll(/([^\s=>/]+)(?:="([^"]*)")?/g)) attributes.set((a[1] ?? '').toLowerCase(), a[2] ?? '');
    tags.push({ name: (match[1] ?? '').toLowerCase(), attributes });
  }
  return tags;
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('renderHtmlReport', () => {
  it('is one self-contained document that fetches nothing', async () => {
    const html = await renderHtmlReport(sampleReportInput());
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    // nothing runs or styles the page but the report's own script and stylesheet, admitted by their hashes
    const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${sha256(style)}; script-src ${sha256(script)}; img-src data:; base-uri 'none'; form-action 'none'">`,
    );
    expect(html).not.toContain('unsafe-inline');
    const tags = tagsOf(html);
    // style attributes would be refused by that CSP (and need 'unsafe-inline'): there are none
    expect(tags.filter((t) => t.attributes.has('style')).map((t) => t.name)).toEqual([]);
    const scripts = tags.filter((t) => t.name === 'script');
    expect(scripts).toHaveLength(2);
    expect(scripts.every((s) => !s.attributes.has('src'))).toBe(true);
    expect(tags.filter((t) => ['img', 'iframe', 'object', 'embed', 'video', 'audio', 'source', 'base', 'form'].includes(t.name) && t.name !== 'form')).toEqual(
      [],
    );
    // every reference is in-page or a data: URL; the only URL-looking thing is the SVG namespace
    for (const tag of tags) {
      for (const name of ['src', 'href', 'action', 'xlink:href', 'poster', 'srcset']) {
        const value = tag.attributes.get(name);
        if (value !== undefined) expect(value, `${tag.name} ${name}`).toMatch(/^(#|data:)/);
      }
      for (const [name] of tag.attributes) expect(name.startsWith('on'), `${tag.name} has an inline handler ${name}`).toBe(false);
    }
    // URLs may appear as text (evidence says where a registry is), never in an attribute, a style or a script
    // (but the CSP, checked whole above: a base64 hash may hold "//")
    const csp = (tag: Tag): boolean => tag.name === 'meta' && tag.attributes.get('http-equiv') === 'Content-Security-Policy';
    for (const tag of tags.filter((t) => !csp(t)))
      for (const [name, value] of tag.attributes) if (name !== 'xmlns') expect(value, `${tag.name} ${name}`).not.toMatch(/\/\//);
    const bodies = [...html.matchAll(/<(script|style)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => m[2] ?? '').join('\n');
    expect(bodies).not.toMatch(/https?:|\/\/[a-z]|@import|url\(\s*['"]?(?!#)|fetch\(|XMLHttpRequest|import\(/);
  });

  it('shows the scores, the summary, every control and every finding', async () => {
    const input = sampleReportInput();
    const html = await renderHtmlReport(input);
    expect(html).toContain(`<span class="score-num big">${input.posture.overall}<span class="of">/100</span>`);
    for (const phase of input.posture.phases) expect(html).toContain(`<h3 id="phase-${phase.phase}">`);
    expect(html).toContain(input.posture.summary);
    const controls = html.slice(html.indexOf('<section id="controls"'), html.indexOf('<section id="findings"'));
    expect(count(controls, '<tr class="row-')).toBe(input.posture.controls.length);
    for (const c of input.posture.controls) {
      expect(controls).toContain(`<strong>${c.control.id}</strong>`);
      for (const change of c.changes)
        if (change.patch) expect(controls).toContain(`<span class="d-meta">${change.patch.split('\n')[0] ?? ''}\n</span>`);
        else if (change.snippet) expect(controls).toContain(`<pre><code>${change.snippet.replace(/'/g, '&#39;')}</code></pre>`);
    }
    for (const status of ['met', 'partial', 'gap', 'unknown', 'accepted']) expect(controls).toContain(`class="status st-${status}"`);
    expect(controls).toContain('✗</span> Gap</span>'); // status in words, not colour alone

    const findings = html.slice(html.indexOf('<section id="findings"'), html.indexOf('<footer>'));
    expect(count(findings, '<tr data-sev=')).toBe(input.findings.length);
    for (const category of ['vulnerability', 'secret', 'misconfiguration', 'lifecycle'] as const) {
      const group = findings.slice(findings.indexOf(`data-category="${category}"`));
      const own = input.findings.filter((f) => f.category === category);
      expect(group).toContain(`data-total="${own.length}"`);
      for (const f of own) expect(group).toContain(`<code>${f.id}</code>`);
    }
    expect(findings).toContain('<input type="search" id="f-text"');
  });

  it('shows each patched change with its patch collapsed and a copy button, in the controls and on the panels of its nodes; manual changes badged', async () => {
    const input = sampleReportInput();
    const html = await renderHtmlReport(input);
    const controls = html.slice(html.indexOf('<section id="controls"'), html.indexOf('<section id="findings"'));
    const changes = input.posture.controls.flatMap((c) => c.changes);
    const patched = changes.filter((c) => c.patch);
    expect(patched.length).toBeGreaterThan(0);
    expect(count(controls, '<details class="patch"><summary>Patch (')).toBe(patched.length);
    expect(count(controls, '<button type="button" class="copy-patch">Copy patch</button>')).toBe(patched.length);
    expect(controls).toContain('<summary>Patch (9 lines)</summary>');
    expect(count(controls, '<span class="manual">manual</span>')).toBe(changes.filter((c) => !c.patch && c.edits.length === 0).length);
    // the Dockerfile's panel holds the pin's patch
    const index = indexMap(input.map).indexOf.get('dockerfile:apps/api/Dockerfile') ?? -1;
    const panel = new RegExp(`<template id="panel-n${index}">([\\s\\S]*?)</template>`).exec(html)?.[1] ?? '';
    expect(panel).toContain('<span class="d-del">-FROM node:20-bookworm\n</span>');
  });

  it('draws every node and edge in stage columns, marks only the worst gaps, and has a panel for every node and stage', async () => {
    const input = sampleReportInput();
    const html = await renderHtmlReport(input);
    const start = html.indexOf('<svg id="map-svg"');
    const svg = html.slice(start, html.indexOf('</svg>', start));
    expect(count(svg, '<g class="node ')).toBe(input.map.nodes.length);
    expect(count(svg, '<path class="edge ')).toBe(input.map.edges.length);
    expect(count(svg, '<g class="stage-head"')).toBe(7);
    expect(svg).toMatch(/aria-label="image registry\.example\.com\/team\/api, 2 gaps \(worst high\), 6 findings"/);
    // a badge on nearly every node singled nothing out: only nodes with a critical or high gap are marked, at most maxMarked
    // (14 of the sample's 26 nodes have a gap; 5 have a high one)
    expect(count(svg, 'class="badge"')).toBe(maxMarked);
    expect(count(svg, ' has-gap"')).toBe(maxMarked);
    expect(svg).toMatch(/aria-label="image registry\.example\.com\/team\/web, 2 gaps, 2 findings"/);
    expect(count(html, '<template id="panel-n')).toBe(input.map.nodes.length);
    expect(count(html, '<template id="panel-stage-')).toBe(7);
    const apiPanel = /<template id="panel-n13">([\s\S]*?)<\/template>/.exec(html)?.[1] ?? '';
    expect(apiPanel).toContain('registry.example.com/team/api');
    for (const id of ['SS-CTL-B03', 'SS-CTL-D01', 'CVE-2024-6387', 'SS-SEC-004']) expect(apiPanel).toContain(id);
    expect(apiPanel).not.toContain('CVE-2024-31449'); // redis's, not api's
  });

  it('never escapes its own markup: a report from benign input holds no escaped tag at all', async () => {
    expect((await renderHtmlReport(sampleReportInput())).match(/.{0,60}&lt;.{0,40}/g)).toBeNull();
  });

  it('keeps hostile text as text everywhere', async () => {
    const [plain, evil] = await Promise.all([renderHtmlReport(sampleReportInput()), renderHtmlReport(hostileReportInput())]);
    expect(evil).not.toContain('<script>alert');
    expect(evil).not.toContain('<img');
    expect(evil).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &#39;q&#39;');
    expect(count(evil, '</script>')).toBe(2);
    expect(count(evil, '</svg>')).toBe(count(plain, '</svg>')); // the map and the score meters
    // the same element types as the plain report: nothing was injected
    const names = (html: string): string[] => [...new Set(tagsOf(html).map((t) => t.name))].sort();
    expect(names(evil)).toEqual(names(plain));
    for (const tag of tagsOf(evil)) for (const [name, value] of tag.attributes) expect(value, `${tag.name} ${name}`).not.toMatch(/[<>]/);
    // the JSON data block holds numbers only
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(evil)?.[1] ?? '';
    expect(data).toMatch(/^\{"flows":\[[\d,[\]]*\]\}$/);
    expect(hostile).toContain('<script>');
  });

  it('renders the same bytes for the same input, whatever order the map lists things in', async () => {
    const first = await renderHtmlReport(sampleReportInput());
    expect(await renderHtmlReport(sampleReportInput())).toBe(first);
    const shuffled = sampleReportInput();
    shuffled.map.nodes.reverse();
    shuffled.map.edges.reverse();
    expect(await renderHtmlReport(shuffled)).toBe(first);
  });

  it('renders an estate where nothing was read', async () => {
    const sample = sampleReportInput();
    const empty: ReportInput = {
      ...sample,
      map: {
        ...sample.map,
        nodes: [],
        edges: [{ from: 'workload:x', to: 'image:y', kind: 'pulled-from', attributes: {} }],
        findings: [],
        unknowns: [],
        diagnostics: [],
      },
      posture: { ...sample.posture, controls: [], phases: [], overall: 0, summary: 'Nothing assessed.' },
      findings: [],
    };
    const html = await renderHtmlReport(empty);
    expect(count(html, 'nothing read</text>')).toBe(7);
    expect(count(html, 'No controls for this phase.')).toBe(4);
    expect(count(html, 'None found.')).toBe(4);
    expect(html).toContain('edge pulled-from from workload:x to image:y names a node the map does not have; not drawn');
  });
});
