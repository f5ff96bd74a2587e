import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EstateSummary } from './api-types.js';
import { dashboardCsp } from './shell.js';
import { estateWithoutRegistry, startTestServer, type TestServer } from '../test-server.js';

describe('the dashboard routes', () => {
  let server: TestServer;
  let bearer: { authorization: string };
  const estateDir = path.resolve('examples/estate');

  beforeAll(async () => {
    server = await startTestServer(await estateWithoutRegistry());
    bearer = { authorization: `Bearer ${await server.token('read')}` };
  });
  afterAll(async () => server?.close());

  const get = (url: string, headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url, headers });

  it('sends a browser without a known session to /signin from every page, and answers the data reads with 401', async () => {
    for (const url of ['/', '/map', '/images', `/images/sha256:${'a'.repeat(64)}`, '/findings?severity=HIGH', '/gaps', '/hosts']) {
      for (const headers of [{} as Record<string, string>, { cookie: 'shipshape_session=ss_abcdefgh_wrong-wrong-wrong-wrong-wrong-wrong-wrong-w' }]) {
        const response = await get(url, headers);
        expect([url, response.statusCode, response.headers.location]).toEqual([url, 302, '/signin']);
      }
    }
    for (const url of ['/dashboard/estate', '/dashboard/map']) expect((await get(url)).statusCode).toBe(401);
    const signin = await get('/signin');
    expect(signin.statusCode).toBe(200);
    expect(signin.headers['content-security-policy']).toBe(dashboardCsp);
    expect(signin.body).toContain('<form id="signin-form"');
  });

  it('serves every page with the strict CSP, and its script and stylesheet as public files that revalidate by etag', async () => {
    const page = await get('/findings', bearer);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(dashboardCsp);
    expect(page.headers['x-frame-options']).toBe('DENY');
    // nothing inline: the one script and stylesheet are files of the same origin
    expect(page.body).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/);
    expect([...page.body.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'data:,',
      '/assets/dashboard.css',
      '/assets/dashboard.js',
      '#view',
      '/',
      '/',
      '/map',
      '/images',
      '/findings',
      '/gaps',
      '/hosts',
    ]);
    const script = await get('/assets/dashboard.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toMatch(/^\(function\(\) \{/);
    expect(script.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const css = await get('/assets/dashboard.css');
    expect(css.body).toContain('#map-svg');
    expect((await get('/assets/dashboard.css', { 'if-none-match': String(css.headers.etag) })).statusCode).toBe(304);
  });

  it('summarises the latest posture without its map and findings, and draws its map as the report does, with paths relative to the estate', async () => {
    expect((await get('/dashboard/estate', bearer)).statusCode).toBe(404);
    await server.queue.enqueue('manual');
    await server.queue.idle();
    const summary = (await get('/dashboard/estate', bearer)).json<EstateSummary>();
    expect(summary.phases.map((p) => p.phase)).toEqual(['build', 'distribute', 'run', 'host']);
    expect(summary.run.status).toBe('done');
    expect(summary.roots.map((r) => r.prefix)).toContain(estateDir);
    expect(JSON.stringify({ ...summary, roots: [] })).not.toContain(estateDir);
    expect(summary.summary).toContain('SS-CTL-R04: k8s');

    const map = await get('/dashboard/map', bearer);
    expect(map.statusCode).toBe(200);
    expect(map.headers['content-security-policy']).toBe(dashboardCsp);
    expect(map.body).toContain('<svg id="map-svg"');
    expect(map.body).toContain('<template id="panel-n0">');
    expect(map.body).toContain('href="/gaps?phase=run"');
    expect(map.body).not.toContain(estateDir);
    expect(map.body.match(/<script[^>]*>/g)).toEqual(['<script type="application/json" id="report-data">']);
    expect((await get('/dashboard/map?run=nosuchrun', bearer)).statusCode).toBe(404);
  });
});
