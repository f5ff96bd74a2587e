import { describe, expect, it } from 'vitest';
import { checkCompose } from './check.js';

// web + db + worker behind a Traefik reverse proxy that reads the Docker socket
const realistic = `name: shop
x-hardening: &hardening
  read_only: true
  user: "10001:10001"
  security_opt:
    - no-new-privileges:true
  pids_limit: 200

services:
  proxy:
    image: traefik:v3.1
    command: ["--providers.docker=true"]
    ports:
      - "80:80"
      - "443:443"
      - "127.0.0.1:8080:8080"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m

  web:
    <<: *hardening
    image: ghcr.io/acme/shop-web:2.4.1
    expose: ["3000"]
    environment:
      NODE_ENV: production
      DATABASE_URL: postgres://shop@db/shop
      SESSION_SECRET: \${SESSION_SECRET}
    deploy:
      resources:
        limits:
          memory: 512M

  worker:
    <<: *hardening
    image: ghcr.io/acme/shop-worker
    cap_add: [NET_ADMIN]
    environment:
      - QUEUE=default
      - STRIPE_API_KEY=sk_live_51HxYzAbCdEfGhIjKl
    mem_limit: 256m

  db:
    image: postgres:16.4
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: "correct-horse-battery"
    volumes:
      - dbdata:/var/lib/postgresql/data
    mem_limit: 1g

volumes:
  dbdata: {}
`;

describe('checkCompose on a realistic stack', () => {
  it('finds exactly the expected problems, at the offending lines', () => {
    const { findings, diagnostics } = checkCompose('docker-compose.yml', realistic);
    expect(diagnostics).toEqual([]);
    expect(findings.map((f) => [f.location.startLine, f.ruleId, f.severity, f.message])).toEqual([
      [10, 'SS-CMP-008', 'LOW', 'service "proxy": root filesystem is writable (no `read_only: true`)'],
      [10, 'SS-CMP-010', 'MEDIUM', 'service "proxy": no `user`: runs as the image\'s default user (root unless the image sets USER)'],
      [10, 'SS-CMP-012', 'LOW', 'service "proxy": no PIDs limit (`pids_limit` or `deploy.resources.limits.pids`)'],
      [14, 'SS-CMP-007', 'MEDIUM', 'service "proxy": publishes port "80:80" on all host interfaces'],
      [15, 'SS-CMP-007', 'MEDIUM', 'service "proxy": publishes port "443:443" on all host interfaces'],
      [18, 'SS-CMP-006', 'CRITICAL', 'service "proxy": mounts the container runtime socket "/var/run/docker.sock"'],
      [37, 'SS-CMP-013', 'MEDIUM', 'service "worker": image "ghcr.io/acme/shop-worker" has no tag (means latest)'],
      [38, 'SS-CMP-002', 'HIGH', 'service "worker": adds capability NET_ADMIN'],
      [41, 'SS-CMP-014', 'HIGH', 'service "worker": STRIPE_API_KEY has a literal value (sk_l****)'],
      [44, 'SS-CMP-008', 'LOW', 'service "db": root filesystem is writable (no `read_only: true`)'],
      [44, 'SS-CMP-009', 'MEDIUM', 'service "db": no `no-new-privileges` in `security_opt`'],
      [44, 'SS-CMP-010', 'MEDIUM', 'service "db": no `user`: runs as the image\'s default user (root unless the image sets USER)'],
      [44, 'SS-CMP-012', 'LOW', 'service "db": no PIDs limit (`pids_limit` or `deploy.resources.limits.pids`)'],
      [48, 'SS-CMP-014', 'HIGH', 'service "db": POSTGRES_PASSWORD has a literal value (corr****)'],
    ]);
    for (const f of findings) expect(f.location.file).toBe('docker-compose.yml');
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
    const text = JSON.stringify(findings);
    expect(text).not.toContain('sk_live_51');
    expect(text).not.toContain('correct-horse');
  });

  it('turns malformed YAML into a diagnostic with file and line, and no findings', () => {
    const { findings, diagnostics } = checkCompose('docker-compose.yml', 'services:\n  web:\n    image: nginx\n   ports: [80\n');
    expect(findings).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ level: 'error', code: 'compose.yaml-error' });
    expect(diagnostics[0]?.where).toMatch(/^docker-compose\.yml:[1-9]\d*$/);
  });

  it('runs the other rules when one throws', () => {
    const broken = {
      meta: { id: 'SS-CMP-999', title: 't', severity: 'LOW' as const, rationale: 'r', remediation: 'r', references: [] },
      examples: { good: [], bad: [] },
      check: (): never => {
        throw new Error('boom');
      },
    };
    const { diagnostics } = checkCompose('c.yml', 'services:\n  a:\n    image: x:1\n', { rules: [broken] });
    expect(diagnostics).toEqual([{ level: 'error', code: 'compose.rule-failed', message: 'rule SS-CMP-999 failed on service "a": boom', where: 'c.yml:2' }]);
  });
});
