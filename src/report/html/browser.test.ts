import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileMissing, skipWhen } from '../../test-support/skip.js';
import { flowsOf, indexMap } from './map-index.js';
import { lifecyclePath } from './map-walk.js';
import { renderHtmlReport } from './render.js';
import { waitForPathBesidePanel } from './test-map-view.js';
import { sampleReportInput } from './test-sample.js';

const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const apiImage = 'image:registry.example.com/team/api';

/** The few page globals the tests read inside `page.evaluate`. */
interface PageGlobals {
  innerWidth: number;
  document: { documentElement: { scrollWidth: number }; activeElement: unknown };
}

/** Problems the page must never have: network requests, console errors, uncaught exceptions. */
interface Watch {
  requests: string[];
  errors: string[];
}

describe('the HTML report in Chromium', skipWhen(fileMissing(chromiumPath, 'Chromium', 'chromium')), () => {
  let browser: Browser;
  let dir: string;
  let url: string;
  const input = sampleReportInput();
  const index = indexMap(input.map);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-report-'));
    const file = join(dir, 'report.html');
    await writeFile(file, await renderHtmlReport(input));
    url = pathToFileURL(file).href;
    await mkdir(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(width: number, height: number, report = url): Promise<{ page: Page; watch: Watch }> {
    const context = await browser.newContext({ viewport: { width, height }, offline: true });
    const page = await context.newPage();
    const watch: Watch = { requests: [], errors: [] };
    // the report itself is the only thing the page may load; anything else is recorded and refused
    await context.route('**/*', (route) => {
      const requested = route.request().url();
      if (requested === report) return route.continue();
      watch.requests.push(requested);
      return route.abort();
    });
    page.on('request', (request) => {
      if (request.url() !== report) watch.requests.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') watch.errors.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => watch.errors.push(`page error: ${error.message}`));
    await page.goto(report, { waitUntil: 'load' });
    return { page, watch };
  }

  const textOf = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').trim();
  // these run in the page; the project's TypeScript has no DOM lib, so the page globals are typed here
  const noHorizontalOverflow = (page: Page): Promise<[number, number]> =>
    page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return [g.document.documentElement.scrollWidth, g.innerWidth] as [number, number];
    });

  it('at 1280×800: map, tables, image path and panel, filters; nothing fetched, no errors, no page overflow', async () => {
    const { page, watch } = await open(1280, 800);
    expect(await page.locator('#map-svg').count()).toBe(1);
    expect(await page.locator('#map-svg g.node').count()).toBe(input.map.nodes.length);
    expect(await page.locator('table.controls tbody tr').count()).toBe(input.posture.controls.length);
    expect(await page.locator('table.findings tbody tr:not(.empty)').count()).toBe(input.findings.length);
    const [scrollWidth, innerWidth] = await noHorizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    // the map opens fitted to its box's width (a reader asked for it: at actual size it ran off to the right)
    const mapWidth = (): Promise<number> => page.locator('#map-svg').evaluate((el) => el.getBoundingClientRect().width);
    expect(await mapWidth()).toBeLessThanOrEqual(await page.locator('#map-scroll').evaluate((el) => el.clientWidth));
    expect(await textOf(page.locator('#zoom-level'))).not.toBe('100%');
    await page.screenshot({ path: join(artifacts, 'report-1280.png') });

    // click the api image: the panel shows its findings, and exactly its lifecycle path lights up
    const apiIndex = index.indexOf.get(apiImage) ?? -1;
    const node = page.locator(`#node-${apiIndex}`);
    expect(await node.getAttribute('aria-label')).toContain('registry.example.com/team/api');
    await node.click();
    const panel = page.locator('#panel');
    expect(await panel.isVisible()).toBe(true);
    expect(await textOf(panel.locator('h2'))).toBe('registry.example.com/team/api');
    const panelText = await textOf(panel);
    for (const id of ['CVE-2024-6387', 'SS-SEC-004', 'SS-CTL-B03', 'SS-CTL-D01']) expect(panelText).toContain(id);
    expect(panelText).not.toContain('CVE-2024-31449');
    const lit = await page.locator('#map-svg g.node.on-path').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-node'))).sort((a, b) => a - b));
    const expected = lifecyclePath(flowsOf(index), apiIndex);
    expect(lit).toEqual(expected.nodes);
    const litEdges = await page
      .locator('#map-svg path.edge.on-path')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-edge'))).sort((a, b) => a - b));
    expect(litEdges).toEqual(expected.edges);
    expect(await page.locator('#map-svg g.node.selected').count()).toBe(1);
    const [withPanel] = await noHorizontalOverflow(page);
    expect(withPanel).toBeLessThanOrEqual(1280);
    // the panel sits beside the map, not over the lit path: the map refits to the room left and keeps the path in its box
    await waitForPathBesidePanel(page);

    // a button in the panel moves to a connected node; Escape closes and clears the path
    await panel.getByRole('button', { name: 'prod/Deployment/api' }).click();
    expect(await textOf(panel.locator('h2'))).toBe('prod/Deployment/api');
    await page.keyboard.press('Escape');
    expect(await panel.isHidden()).toBe(true);
    expect(await page.locator('#map-svg g.node.on-path').count()).toBe(0);

    // keyboard: a stage heading is a button
    const host = page.locator('#map-svg .stage-head[data-stage="host"]');
    await host.focus();
    await page.keyboard.press('Enter');
    expect(await textOf(panel.locator('h2'))).toBe('Host stage');
    expect(await textOf(panel)).toContain('ip-10-0-2-7');
    await page.keyboard.press('Escape');
    expect(await host.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);

    // filters: text, severity, phase; the counts follow
    const visibleRows = (): Promise<number> => page.locator('table.findings tbody tr:not(.empty):visible').count();
    await page.fill('#f-text', 'expat');
    expect(await visibleRows()).toBe(2);
    expect(await textOf(page.locator('#f-count'))).toBe(`Showing 2 of ${input.findings.length} findings`);
    expect(await textOf(page.locator('[data-category="vulnerability"] .count'))).toBe('(2 of 8)');
    expect(await page.locator('[data-category="secret"] tr.empty').isVisible()).toBe(true);
    await page.fill('#f-text', '');
    await page.selectOption('#f-severity', '4');
    expect(await visibleRows()).toBe(input.findings.filter((f) => f.severity === 'CRITICAL').length);
    await page.selectOption('#f-severity', '0');
    await page.selectOption('#f-phase', 'run');
    expect(await visibleRows()).toBe(input.findings.filter((f) => f.phase === 'run').length);
    await page.press('#f-text', 'Enter'); // submitting the filter form must not navigate
    expect(page.url()).toBe(url);

    // zoom changes the drawn size of the map, not the page width
    const before = await page.locator('#map-svg').evaluate((el) => el.getBoundingClientRect().width);
    await page.click('#zoom-out');
    expect(await page.locator('#map-svg').evaluate((el) => el.getBoundingClientRect().width)).toBeLessThan(before);

    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.context().close();
  });

  it('at 375×812: the map, fitted down to its 25% floor, still scrolls in its own box, tables become cards, the panel is a bottom sheet; no page overflow', async () => {
    const { page, watch } = await open(375, 812);
    const [scrollWidth, innerWidth] = await noHorizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const box = await page.locator('#map-scroll').evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    expect(box.client).toBeLessThanOrEqual(375);
    expect(box.scroll).toBeGreaterThan(box.client);
    expect(await page.locator('table.findings thead').first().isVisible()).toBe(false);
    await page.screenshot({ path: join(artifacts, 'report-375.png') });

    await page.locator('table.findings tbody tr', { hasText: 'CVE-2024-6387' }).getByRole('button', { name: 'Show on map' }).click();
    const panel = page.locator('#panel');
    expect(await textOf(panel.locator('h2'))).toBe('registry.example.com/team/api');
    const sheet = await panel.boundingBox();
    expect(sheet?.width).toBe(375);
    expect((sheet?.y ?? 0) + (sheet?.height ?? 0)).toBeCloseTo(812, 0);
    expect(await page.locator('#map-svg g.node.on-path').count()).toBe(lifecyclePath(flowsOf(index), index.indexOf.get(apiImage) ?? -1).nodes.length);
    const [withSheet] = await noHorizontalOverflow(page);
    expect(withSheet).toBeLessThanOrEqual(375);

    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.context().close();
  });
  it('runs no script and applies no style but its own: an injected inline script and style attribute are refused by the CSP', async () => {
    // as if an escaping bug had let markup through: the page's CSP must still stop it
    const injected = '<div id="injected" style="width: 123px">x</div><script>document.title = "pwned"; document.body.dataset.pwned = "1";</script>';
    const file = join(dir, 'injected.html');
    await writeFile(file, (await renderHtmlReport(input)).replace('<main>', `<main>${injected}`));
    const { page, watch } = await open(1280, 800, pathToFileURL(file).href);
    expect(await page.title()).toBe(input.title);
    expect(await page.locator('body').getAttribute('data-pwned')).toBeNull();
    expect(await page.locator('#injected').evaluate((el) => el.getBoundingClientRect().width)).not.toBe(123);
    expect(watch.errors).toEqual([
      // Chromium's words: "Applying inline style violates …" (older: "Refused to apply inline style because …")
      expect.stringMatching(/^console error: .*inline style.* Content Security Policy directive.*style-src 'sha256-/),
      expect.stringMatching(/^console error: .*inline script.* Content Security Policy directive.*script-src 'sha256-/),
    ]);
    // the report's own script still runs: a click on an image opens its panel
    await page.locator(`#node-${index.indexOf.get(apiImage) ?? -1}`).click();
    expect(await page.locator('#panel').isVisible()).toBe(true);
    expect(watch.requests).toEqual([]);
    await page.context().close();
  });
});
