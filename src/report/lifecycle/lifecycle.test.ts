import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildLifecycleMap } from '../../lifecycle/map.js';
import type { LifecycleMap } from '../../lifecycle/model.js';
import { messyEstate } from '../../lifecycle/test-estate.js';
import { traceLifecycle } from '../../lifecycle/trace.js';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { mapDot, quote } from './dot.js';
import { mapJson, traceJson } from './json.js';
import { mapMermaid } from './mermaid.js';
import { mapTable, traceTable } from './table.js';

const map = buildLifecycleMap(messyEstate(), new Date('2026-01-03T00:00:00Z'));

/** A map whose ids and labels hold every character the formats reserve. */
function hostileMap(): LifecycleMap {
  const node = (id: string, label: string, stage: LifecycleMap['nodes'][number]['stage']) => ({
    id,
    kind: 'image' as const,
    stage,
    label,
    evidence: [],
    attributes: {},
  });
  return {
    ...map,
    nodes: [node('image:a"b\\c', 'a "quoted" <b> {x} [y] |z| & \\ end\nline', 'registry'), node('workload:ns/Kind/n;m', 'n;m --> x', 'orchestrator')],
    edges: [{ from: 'workload:ns/Kind/n;m', to: 'image:a"b\\c', kind: 'pulled-from', attributes: { tag: 'x|"y"' } }],
    findings: [{ ...map.findings[0]!, nodes: ['workload:ns/Kind/n;m', 'image:a"b\\c'] }],
    unknowns: [{ node: 'image:a"b\\c', value: '${A}"|{{ x }}', variables: ['A'], where: 'f:1', reason: 'r' }],
  };
}

describe('mapMermaid', () => {
  const check = (text: string) => {
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    // subgraphs balanced
    expect(lines.filter((l) => /^\s*subgraph /.test(l)).length).toBe(lines.filter((l) => l.trim() === 'end').length);
    const declared = new Set(lines.map((l) => /^\s*([nu]\d+)[[({]/.exec(l)?.[1]).filter(Boolean));
    const links = lines.flatMap((l) => {
      const m = /^\s*([nu]\d+) (?:-->\|"[^"]*"\||-\.->) ([nu]\d+)$/.exec(l);
      return m ? [[m[1], m[2]]] : [];
    });
    expect(links.length).toBeGreaterThan(0);
    for (const [from, to] of links) expect([declared.has(from), declared.has(to)]).toEqual([true, true]);
    // every label is one quoted string holding no character Mermaid would read as syntax
    for (const l of lines) for (const label of l.matchAll(/"([^"]*)"/g)) expect(label[1]?.replace(/<br\/>/g, '')).not.toMatch(/[<>{}|]/);
    return { lines, links };
  };

  it('draws one subgraph per stage, every link between declared nodes, breaks styled', () => {
    const { lines, links } = check(mapMermaid(map));
    expect(lines.filter((l) => /^\s*subgraph /.test(l)).map((l) => l.trim())).toEqual([
      'subgraph stage_source["Source"]',
      'subgraph stage_ci["CI"]',
      'subgraph stage_parent_registry["Parent registries"]',
      'subgraph stage_build["Build"]',
      'subgraph stage_registry["Registries"]',
      'subgraph stage_orchestrator["Orchestrator"]',
      'subgraph stage_host["Hosts"]',
    ]);
    expect(links.filter(([, to]) => to?.startsWith('u')).length).toBe(map.unknowns.length);
    const broken = lines.filter((l) => /^\s*class n\d+ broken$/.test(l)).length;
    expect(broken).toBe(new Set(map.findings.flatMap((f) => f.nodes)).size);
    const styled = /linkStyle ([\d,]+) stroke/.exec(lines.join('\n'))?.[1]?.split(',').map(Number) ?? [];
    const drawn = lines.filter((l) => l.includes(' -->|')).map((l) => l.trim());
    const all = lines.join('\n');
    const workload = /(n\d+)\("workload: Deployment\/legacy/.exec(all)?.[1];
    const image = /(n\d+)\(\["image: registry\.example\.com\/team\/legacy/.exec(all)?.[1];
    expect(styled.map((i) => drawn[i])).toContain(`${workload} -->|"pulled-from 3"| ${image}`);
  });

  it('escapes every reserved character in labels', () => {
    const text = mapMermaid(hostileMap());
    check(text);
    expect(text).toContain('#quot;quoted#quot; #lt;b#gt; #123;x#125; #91;y#93; #124;z#124; #amp; \\ end line');
    expect(text).toContain('-->|"pulled-from x#124;#quot;y#quot;"|');
  });
});

describe('mapDot', () => {
  const check = (text: string) => {
    expect(text.startsWith('digraph lifecycle {\n  rankdir=LR;')).toBe(true);
    // braces balanced outside quoted strings
    const unquoted = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    expect((unquoted.match(/\{/g) ?? []).length).toBe((unquoted.match(/\}/g) ?? []).length);
    const declared = new Set([...text.matchAll(/^\s*("(?:[^"\\]|\\.)*") \[label=/gm)].map((m) => m[1]));
    const edges = [...text.matchAll(/^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*")/gm)].map((m) => [m[1], m[2]]);
    for (const [from, to] of edges) expect([declared.has(from), declared.has(to)]).toEqual([true, true]);
    return edges;
  };

  it('clusters per stage with quoted ids, every edge between declared nodes', () => {
    const text = mapDot(map);
    const edges = check(text);
    expect([...text.matchAll(/subgraph "cluster_([a-z-]+)"/g)].map((m) => m[1])).toEqual([
      'source',
      'ci',
      'parent-registry',
      'build',
      'registry',
      'orchestrator',
      'host',
    ]);
    expect(edges).toContainEqual([quote('workload:prod/Deployment/api'), quote('image:prod.example.com/payments/api')]);
    expect(text).toMatch(/"workload:prod\/Deployment\/legacy" -> "image:registry.example.com\/team\/legacy" \[label="pulled-from 3", color="#c81e1e"/);
  });

  it('quotes ids and labels holding quotes, backslashes and newlines', () => {
    expect(quote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    check(mapDot(hostileMap()));
  });

  it('is accepted by Graphviz', skipWhen(commandMissing('dot', 'graphviz')), () => {
    for (const text of [mapDot(map), mapDot(hostileMap())]) {
      const result = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('<svg');
    }
  });
});

describe('mapTable and traceTable', () => {
  it('lists what runs with where it comes from, then breaks and unknowns', () => {
    const text = mapTable(map, 320);
    expect(text.split('\n')[0]).toBe(
      'Lifecycle map: 4 repositories, 4 pipelines, 3 Dockerfiles, 11 images in 4 registries, 3 workloads on 1 clusters, 1 nodes; 7 breaks, 6 unknowns',
    );
    const running = text.split('\n').find((l) => l.startsWith('prod/Deployment/api [api]'));
    expect(running).toMatch(
      /prod\.example\.com\/payments\/api:1\.4\.2@sha256:aaaaaaaaaaaa…\s+built\s+gitlab-ci:platform\/release\/\.gitlab-ci\.yml, apps\/api\/Dockerfile, copy of registry\.example\.com\/team\/api\s+gcr\.io\/distroless\/static-debian12@sha256:f{12}…, docker\.io\/library\/golang:1\.22$/,
    );
    expect(text).toMatch(/^Built, not run\nIMAGE\s+PUSHED\/BUILT BY\s+FROM\nregistry\.example\.com\/team\/api\s/m);
    expect(text).toMatch(/^SS-MAP-003\s+LOW\s+apps\/api\/Jenkinsfile:24\s+registry\.example\.com\/team\/api-debug is pushed by/m);
    expect(text).toMatch(/^prod\/Deployment\/legacy\s+k8s\/prod\.yaml:33\s+\{\{ \.Values\.sidecar\.image \}\}\s+container sidecar/m);
    // narrow terminals truncate the last column, never wrap
    expect(
      Math.max(
        ...mapTable(map, 100)
          .split('\n')
          .filter((l) => l.startsWith('SS-MAP'))
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(100);
  });

  it('prints each path hop by hop with the file:line behind every hop', () => {
    const text = traceTable(traceLifecycle(map, 'api'), 200);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Trace of api: workload:prod/Deployment/api',
      '',
      'Upstream (where it comes from)',
      expect.stringMatching(/^PATH\s+VIA\s+KIND\s+NODE\s+WHERE$/),
    ]);
    expect(text).toMatch(/^1\s+pulled-from\s+image\s+prod\.example\.com\/payments\/api \(1\.4\.2\)\s+k8s\/prod\.yaml:9$/m);
    expect(text).toMatch(/^\s+pushes-to\s+pipeline\s+platform\/release\/\.gitlab-ci\.yml \(1\.4\.2\)\s+platform\/release\/\.gitlab-ci\.yml:8$/m);
    expect(text).toMatch(/^\s+builds\s+dockerfile\s+apps\/api\/Dockerfile \(1\.4\.2\)\s+apps\/api\/Jenkinsfile:12$/m);
    expect(text).toMatch(/^Breaks\nRULE\s+SEVERITY\s+MESSAGE\nSS-MAP-004/m);
    expect(traceTable(traceLifecycle(map, 'docker.io/library/redis'), 200)).toMatch(
      /Downstream \(what depends on it\)\nPATH.*\n1\s+pulled-from\s+workload\s+Deployment\/web/,
    );
  });
});

describe('JSON', () => {
  it('round-trips the map and labels the trace with its schema', () => {
    expect(JSON.parse(mapJson(map))).toEqual(JSON.parse(JSON.stringify(map)));
    const trace = JSON.parse(traceJson(traceLifecycle(map, 'web'))) as { schema: string; start: { id: string } };
    expect([trace.schema, trace.start.id]).toEqual(['shipshape/lifecycle-trace@1', 'workload:prod/Deployment/web']);
  });
});
