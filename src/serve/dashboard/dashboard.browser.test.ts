import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page as ListPage, TrackedItem } from '../../store/model.js';
import { waitForPathBesidePanel } from '../../report/html/test-map-view.js';
import { fileMissing, skipWhen } from '../../test-support/skip.js';
import { type DashboardEstate, hostileName, imageFinding, seededHost, seededImages, startDashboardEstate } from './test-estate.js';

const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const viewport = { width: 1280, height: 800 };

/** The page globals the tests read inside `page.evaluate` (the project's TypeScript has no DOM lib). */
interface PageGlobals {
  pwned?: unknown;
}

describe(
  'the dashboard in Chromium, over a real server, store and runs of the example estate',
  skipWhen(fileMissing(chromiumPath, 'Chromium', 'chromium')),
  () => {
    let dir: string;
    let estate: DashboardEstate;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    /** Every URL the page asked for, and every console error and uncaught exception, across all the tests. */
    const requests: string[] = [];
    const errors: string[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'shipshape-dashboard-'));
      estate = await startDashboardEstate(dir);
      await mkdir(artifacts, { recursive: true });
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
      context = await browser.newContext({ viewport });
      page = await context.newPage();
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console error: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    });

    afterAll(async () => {
      await browser?.close();
      await estate?.server.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const api = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${estate.server.url}${path}`, { headers: { authorization: `Bearer ${estate.readToken}` } });
      return (await response.json()) as T;
    };
    const text = async (selector: string): Promise<string> => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
    const nav = async (name: string, heading: string): Promise<void> => {
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name, exact: true }).click();
      await page.locator('#view h1').getByText(heading, { exact: true }).waitFor();
    };

    it('sends a visitor without a session to /signin, refuses a wrong token with a message, and signs in with a read token', async () => {
      const response = await page.goto(`${estate.server.url}/map`);
      expect(new URL(page.url()).pathname).toBe('/signin');
      expect(response?.headers()['content-security-policy']).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      await page.fill('#token', 'ss_abcdefgh_not-a-real-token-not-a-real-token-not-a-rea');
      await page.click('button[type="submit"]');
      await page.locator('#signin-error', { hasText: 'not known' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/signin');
      // the refused sign-in is the one error the browser may log: its own line for the 401 answer
      expect(errors.splice(0)).toEqual([expect.stringMatching(/^console error: Failed to load resource: .*401/)]);

      await page.fill('#token', estate.readToken);
      await page.click('button[type="submit"]');
      await page.waitForURL(`${estate.server.url}/`);
      await page.locator('#view h1', { hasText: 'Shipshape posture report' }).waitFor();
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'shipshape_session')?.httpOnly).toBe(true);
    });

    it('overview: the scores, a line per assessed phase with a marker per run, the latest run with its stale part, and what the last run opened', async () => {
      const scores = await api<{ items: { runId: string; phase: string; score: number | null }[] }>('/api/scores');
      const runs = new Set(scores.items.map((s) => s.runId)).size;
      expect(runs).toBe(3);
      const assessed = [...new Set(scores.items.filter((s) => s.score !== null).map((s) => s.phase))];
      await page.locator('svg.chart').waitFor();
      // a phase never assessed (no registry read: distribute) is listed as such, not drawn as a line at 0
      expect(await page.locator('svg.chart .series path.line').count()).toBe(assessed.length);
      for (const phase of assessed) expect(await page.locator(`svg.chart .series[data-phase="${phase}"] .point`).count()).toBe(runs);
      expect(await text('.chart-legend')).toContain('Distribute: not assessed');
      expect(await text('.cards')).toMatch(/Build\s*\d+\/100\s*▲ up 10 since the previous run/);

      const latest = await text('#run-h + dl');
      expect(latest).toContain('✓ done');
      expect(latest).toContain('1 part failed or stale');
      expect(latest).toMatch(/registry registry\.shop\.internal: stale — shows facts read (just now|\d+ minutes? ago), because connect ECONNREFUSED/);
      const changes = await text('#diff-h ~ p');
      expect(changes).toBe('Gaps: 0 opened, 0 resolved. Findings: 1 opened, 0 resolved.');
      expect(await text('.diff-list')).toContain(`CRITICAL CVE-2024-6387 openssh: regreSSHion ${hostileName}`);
      await page.screenshot({ path: join(artifacts, 'dashboard-overview.png'), fullPage: true });
    });

    it('map: fitted to the width, short labels that keep the name, the worst gaps marked, and a panel beside the lit path', async () => {
      await nav('Map', 'Map');
      await page.locator('#map-svg g.node').first().waitFor();
      const nodes = await page.locator('#map-svg g.node').count();
      expect(nodes).toBeGreaterThan(20);
      const fitted = await page.locator('#map-svg').evaluate((svg) => svg.getBoundingClientRect().width);
      expect(fitted).toBeLessThanOrEqual(viewport.width);
      expect(fitted).toBeLessThanOrEqual(await page.locator('#map-scroll').evaluate((box) => box.clientWidth));
      // the image's label keeps its repository, not the registry every image shares
      const image = page.locator('#map-svg g.node[aria-label^="image registry.shop.internal/shop/payments-api"]');
      expect(await image.locator('text.label').textContent()).toBe('…/shop/payments-api');
      expect(await page.locator('#map-svg g.node .badge').count()).toBeLessThanOrEqual(5);
      expect(await page.locator('#map-svg g.node .badge').count()).toBeLessThan(nodes / 4);

      await image.click();
      const panel = page.locator('#panel');
      await panel.waitFor({ state: 'visible' });
      expect(await text('#panel h2')).toBe('registry.shop.internal/shop/payments-api');
      const panelText = await text('#panel');
      expect(panelText).toContain('Role in the estate');
      expect(panelText).toContain('built by a pipeline of the estate');
      expect(panelText).not.toMatch(/inRegistry|unknownVariables/);
      const lit = await page.locator('#map-svg g.node.on-path').count();
      expect(lit).toBeGreaterThan(3);
      // every node of the lit path ends up inside the map's visible box, in the window, and clear of the panel (waited for: the map refits as the panel takes its room)
      await waitForPathBesidePanel(page);
      await page.screenshot({ path: join(artifacts, 'dashboard-map.png') });

      // no path of the machine that read the estate, anywhere in the page or its panel templates
      expect(await page.content()).not.toContain(estate.estateDir);
      expect(await page.content()).toContain('k8s/shop-prod.yaml');
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
      expect(await page.locator('#map-svg g.node.on-path').count()).toBe(0);
      // by keyboard: a node is a button; Enter opens its panel, Escape closes it and gives the focus back
      await image.focus();
      await page.keyboard.press('Enter');
      await panel.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
      expect(await image.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    });

    it('images: filtered by text and by running, then the page of one image with its open findings', async () => {
      await nav('Images', 'Images');
      await page.locator('table.images tbody tr').first().waitFor();
      expect(await page.locator('table.images tbody tr').count()).toBe(seededImages.length);
      expect(await text('table.images tbody')).toContain(`registry.shop.internal/shop/web${hostileName}:1`);
      await page.fill('input[name="q"]', 'legacy');
      await page.press('input[name="q"]', 'Enter');
      await page.locator('.count', { hasText: 'of 1 images' }).waitFor();
      expect(await text('table.images tbody')).toContain('legacy-report:0.9');
      await page.fill('input[name="q"]', '');
      await page.check('input[name="running"]');
      await page.waitForURL(/running=true/);
      await page.locator('.count', { hasText: 'of 1 images' }).waitFor();
      const row = await text('table.images tbody tr');
      expect(row).toContain('payments-api:142');
      expect(row).toContain('● running');
      expect(row).toMatch(/CRITICAL 1 HIGH 3 LOW 2/);

      await page.getByRole('link', { name: 'registry.shop.internal/shop/payments-api:142' }).click();
      await page.locator('#view h1', { hasText: 'registry.shop.internal/shop/payments-api:142' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/images/${encodeURIComponent(seededImages[0].digest)}`);
      const facts = await text('dl.facts.image');
      expect(facts).toContain(seededImages[0].digest);
      expect(facts).toContain('linux/amd64');
      expect(facts).toContain('● yes: the last run saw it running');
      expect(await text('#view h2')).toBe('Open findings (1)');
      expect(await text('table.items tbody')).toContain(imageFinding.title);
      await page.screenshot({ path: join(artifacts, 'dashboard-image.png'), fullPage: true });
    });

    it('findings: filtered by severity, then the next page through the API cursor', async () => {
      const medium = await api<ListPage<TrackedItem>>('/api/findings?severity=MEDIUM&limit=1');
      expect(medium.total).toBeGreaterThan(25);
      await nav('Findings', 'Findings');
      await page.locator('table.items tbody tr').first().waitFor();
      await page.check('input[name="severity"][value="MEDIUM"]');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.count', { hasText: `Showing 1–25 of ${medium.total} open findings` }).waitFor();
      const severities = async (): Promise<string[]> =>
        page.locator('table.items tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity') ?? ''));
      expect(await severities()).toEqual(Array(25).fill('MEDIUM'));
      await page.screenshot({ path: join(artifacts, 'dashboard-findings.png') });
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.locator('.count', { hasText: `Showing 26–${medium.total} of ${medium.total} open findings` }).waitFor();
      expect(await severities()).toEqual(Array(medium.total - 25).fill('MEDIUM'));
      expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
      // back returns to the first page, drawn again from the address
      await page.goBack();
      await page.locator('.count', { hasText: 'Showing 1–25' }).waitFor();
      expect(await page.isChecked('input[name="severity"][value="MEDIUM"]')).toBe(true);
    });

    it('gaps: the controls at gap or partial, filtered by phase, with where in words relative to the estate', async () => {
      const gaps = await api<ListPage<TrackedItem>>('/api/gaps?phase=build&limit=100');
      await nav('Gaps', 'Gaps');
      await page.selectOption('select[name="phase"]', 'build');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.count', { hasText: `of ${gaps.total} open gaps` }).waitFor();
      expect(await page.locator('table.items tbody tr').count()).toBe(gaps.total);
      const body = await text('table.items tbody');
      for (const gap of gaps.items) expect(body).toContain(gap.ruleId);
      expect(body).toMatch(/✗ gap|◐ partial/);
      expect(body).not.toContain(estate.estateDir);
    });

    it('hosts: each host that sent a report, with its OS, engines, containers, findings and what was not read, linked to its report', async () => {
      await nav('Hosts', 'Hosts');
      await page.locator('table.hosts tbody tr').first().waitFor();
      expect(await text('.count')).toBe('Showing 1–1 of 1 hosts');
      const row = await text('table.hosts tbody tr');
      expect(row).toContain(seededHost);
      expect(row).toContain(`Debian ${hostileName}`);
      expect(row).toContain('kernel 6.1.0-28-amd64');
      expect(row).toContain('docker 27.3.1 · 2 containers');
      expect(row).toMatch(/HIGH 1 MEDIUM 1/);
      expect(row).toContain('2 unknown');
      expect(await page.getByRole('link', { name: seededHost }).getAttribute('href')).toBe(`/api/hosts/${seededHost}`);
      await page.screenshot({ path: join(artifacts, 'dashboard-hosts.png') });
    });

    it('shows hostile text from a manifest and the store as text, on every view, and never runs it', async () => {
      await nav('Findings', 'Findings');
      await page.fill('input[name="q"]', 'window.pwned');
      await page.press('input[name="q"]', 'Enter');
      await page.locator('.count', { hasText: /Showing 1–\d+ of \d+ open findings/ }).waitFor();
      expect(await text('table.items tbody')).toContain(hostileName);
      for (const view of [
        ['Overview', 'Shipshape posture report — estate'],
        ['Map', 'Map'],
        ['Images', 'Images'],
        ['Hosts', 'Hosts'],
      ] as const) {
        await nav(view[0], view[1]);
        await page.locator('#view .muted', { hasText: 'Loading' }).waitFor({ state: 'detached' });
        // the page's own script is the only script element; no image element was made from the text
        expect(await page.locator('script:not([type="application/json"])').count()).toBe(1);
        expect(await page.locator('#view img').count()).toBe(0);
      }
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).pwned)).toBeUndefined();
    });

    it('loaded nothing from anywhere but its own server, and logged no error', () => {
      expect(requests.length).toBeGreaterThan(10);
      expect(requests.filter((url) => !url.startsWith(`${estate.server.url}/`))).toEqual([]);
      expect(errors).toEqual([]);
    });
  },
);
