import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileMissing, skipWhen } from '../../test-support/skip.js';
import { flowsOf, indexMap } from './map-index.js';
import { lifecyclePath } from './map-walk.js';
import { renderHtmlReport } from './render.js';
import { waitForPathBesidePanel } from './test-map-view.js';
import { hostilePatch, samplePinPatch, sampleReportInput } from './test-sample.js';

const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const apiImage = 'image:registry.example.com/team/api';

/** The few page globals the tests read inside `page.evaluate`. */
interface PageGlobals {
  innerWidth: number;
  document: { documentElement: { scrollWidth: number }; activeElement: unknown };
  navigator: { clipboard: { readText(): Promise<string> } };
  /** Recorded by the init script of the patch test: CSP violations, and what a copy event put on the clipboard. */
  violations: string[];
  copied: string[];
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

  async function open(width: number, height: number, report = url, setup?: (context: BrowserContext) => Promise<void>): Promise<{ page: Page; watch: Watch }> {
    const context = await browser.newContext({ viewport: { width, height }, offline: true });
    await setup?.(context);
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
  it("shows a proposed change's patch collapsed, coloured by line, and copies it exactly: by the Clipboard API, and by the textarea fallback where there is none", async () => {
    // a change whose patch holds markup, a CRLF line, ESC, NUL, a right-to-left override and an unpaired surrogate
    const withPatch = sampleReportInput();
    withPatch.posture.controls
      .find((c) => c.control.id === 'SS-CTL-R01')
      ?.changes.push({
        summary: 'Patch the hostile manifest',
        file: '$(reboot).yaml',
        line: 1,
        snippet: undefined,
        edits: [{ kind: 'append', file: '$(reboot).yaml', text: 'x' }],
        nodes: ['workload:prod/Deployment/web'],
        patch: hostilePatch,
      });
    const file = join(dir, 'patch.html');
    await writeFile(file, await renderHtmlReport(withPatch));
    const report = pathToFileURL(file).href;
    // CSP violations and what each copy event carried, recorded from before the page's own script runs
    const record = async (context: BrowserContext): Promise<void> => {
      await context.addInitScript(() => {
        const g = globalThis as unknown as PageGlobals & { addEventListener(type: string, listener: (event: unknown) => void): void };
        g.violations = [];
        g.copied = [];
        g.addEventListener('securitypolicyviolation', (event) => g.violations.push(String((event as { violatedDirective: string }).violatedDirective)));
        // on the window, so after the page's listener on the document has set the data
        g.addEventListener('copy', (event) =>
          g.copied.push((event as { clipboardData: { getData(type: string): string } }).clipboardData.getData('text/plain')),
        );
      });
    };
    const recorded = (page: Page): Promise<{ violations: string[]; copied: string[] }> =>
      page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        return { violations: g.violations, copied: g.copied };
      });

    // with the Clipboard API (permission granted)
    const { page, watch } = await open(1280, 800, report, async (context) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await record(context);
    });
    const row = page.locator('table.controls tr', { hasText: 'SS-CTL-R01' });
    const patch = row.locator('details.patch', { hasText: '$(reboot).yaml' });
    expect(await patch.getAttribute('open')).toBeNull();
    expect(await patch.locator('pre').isVisible()).toBe(false);
    expect(await textOf(patch.locator('summary'))).toBe('Patch (8 lines)');
    await patch.locator('summary').click();
    expect(await patch.locator('pre').isVisible()).toBe(true);
    expect(await patch.locator('code > span').evaluateAll((els) => els.map((el) => el.className))).toEqual([
      'd-meta',
      'd-meta',
      'd-meta',
      'd-hunk',
      'd-del',
      'd-add',
      'd-add',
      'd-ctx',
    ]);
    // the markup in the patch is text, shown as it is
    expect(await textOf(patch.locator('.d-del'))).toBe('-</details><script>alert(1)</script>');
    expect(await page.locator('script').count()).toBe(2);
    // the added and removed lines are told apart by colour too
    const background = (locator: Locator): Promise<string> =>
      locator.evaluate((el) => (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    expect(await background(patch.locator('.d-add').first())).not.toBe(await background(patch.locator('.d-del')));
    await patch.scrollIntoViewIfNeeded();
    await row.screenshot({ path: join(artifacts, 'report-patch.png') });

    // (by its class: its name changes to say it copied)
    const copy = patch.locator('button.copy-patch');
    expect(await copy.getAttribute('type')).toBe('button');
    await patch.getByRole('button', { name: 'Copy patch' }).click();
    await expect.poll(() => textOf(copy)).toBe('Copied');
    expect(await textOf(patch.locator('.copy-status'))).toBe('Patch copied to the clipboard');
    // what the clipboard holds is the patch, byte for byte but the unpaired surrogate (no clipboard keeps one)
    const exact = hostilePatch.replace('\ud800', '\ufffd');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText())).toBe(exact);
    await expect.poll(() => textOf(copy), { timeout: 5000 }).toBe('Copy patch');

    // the sample's own patches copy from the side panel too (its content is cloned from a template)
    await page.locator('table.controls li', { hasText: 'FROM node:20-bookworm is a mutable tag' }).getByRole('button', { name: 'Show on map' }).click();
    expect(await textOf(page.locator('#panel h2'))).toBe('apps/api/Dockerfile');
    const panelPatch = page.locator('#panel details.patch').first();
    await panelPatch.locator('summary').click();
    await panelPatch.getByRole('button', { name: 'Copy patch' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText())).toBe(samplePinPatch);

    expect(await recorded(page)).toEqual({ violations: [], copied: [] });
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.context().close();

    // without the Clipboard API: the hidden textarea is selected and copied, the copy event carries the exact text
    const fallback = await open(1280, 800, report, async (context) => {
      await record(context);
      await context.addInitScript(() => {
        Object.defineProperty(Object.getPrototypeOf((globalThis as unknown as PageGlobals).navigator), 'clipboard', {
          configurable: true,
          get: () => undefined,
        });
      });
    });
    const again = fallback.page.locator('table.controls details.patch', { hasText: '$(reboot).yaml' });
    await again.locator('summary').click();
    const button = again.locator('button.copy-patch');
    await button.click();
    await expect.poll(() => textOf(button)).toBe('Copied');
    expect(await recorded(fallback.page)).toEqual({ violations: [], copied: [hostilePatch] });
    // the textarea is gone and the focus back on the button
    expect(await fallback.page.locator('textarea').count()).toBe(0);
    expect(await button.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
    expect(fallback.watch.requests).toEqual([]);
    expect(fallback.watch.errors).toEqual([]);
    await fallback.page.context().close();
  });
  it('stays usable with 1,500 patched changes: the script wires one listener, not one per patch, and the last patch copies', async () => {
    const many = sampleReportInput();
    const first = many.posture.controls[0];
    for (let i = 0; i < 1500; i++)
      first?.changes.push({
        summary: `Pin parent ${i}`,
        file: `apps/app-${i}/Dockerfile`,
        line: 1,
        snippet: undefined,
        edits: [{ kind: 'substitute', file: `apps/app-${i}/Dockerfile`, line: 1, find: 'node:20', replace: 'node:20@sha256:…' }],
        nodes: [],
        patch: samplePinPatch.replaceAll('apps/api/', `apps/app-${i}/`),
      });
    const file = join(dir, 'many.html');
    await writeFile(file, await renderHtmlReport(many));
    const { page, watch } = await open(1280, 800, pathToFileURL(file).href, (context) => context.grantPermissions(['clipboard-read', 'clipboard-write']));
    expect(await page.locator('details.patch').count()).toBeGreaterThan(1500);
    expect(await page.locator('html.can-copy').count()).toBe(1);
    const last = page.locator('details.patch', { hasText: 'apps/app-1499/Dockerfile' });
    await last.locator('summary').click();
    await last.getByRole('button', { name: 'Copy patch' }).click();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText()))
      .toBe(samplePinPatch.replaceAll('apps/api/', 'apps/app-1499/'));
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.context().close();
  });
});
