import { describe, expect, it } from 'vitest';
import { context, digestOf, dockerfile, estate, finding, registry, stored } from '../test-evidence.js';
import { noSecretsInImages } from './b03-no-secrets-in-images.js';

describe('SS-CTL-B03 no secrets in images', () => {
  it('is unknown with neither Dockerfiles nor images scanned for secrets', () => {
    const unscanned = registry('registry.example.com', [{ name: 'a', images: [stored(digestOf('a'), ['1'])] }]);
    expect(noSecretsInImages.evaluate(context(estate({ registries: [unscanned] }))).status).toBe('unknown');
  });

  it('is met for clean Dockerfiles and images scanned without findings', () => {
    const reg = registry('registry.example.com', [{ name: 'a', images: [stored(digestOf('a'), ['1'], { platform: { secrets: [] } })] }]);
    const outcome = noSecretsInImages.evaluate(context(estate({ dockerfiles: [dockerfile('Dockerfile', [[1, 'alpine:3.19']])], registries: [reg] })));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence).toHaveLength(2);
  });

  it('points at the ARG/ENV line and the secret in the image, with the changes to make', () => {
    const df = dockerfile(
      'apps/api/Dockerfile',
      [[1, 'alpine:3.19']],
      [finding('SS-DF-020', 4, 'HIGH', 'ENV AWS_SECRET_ACCESS_KEY holds a value', 'apps/api/Dockerfile')],
    );
    const digest = digestOf('leaky');
    const reg = registry('registry.example.com', [
      {
        name: 'team/api',
        images: [stored(digest, ['1.2'], { platform: { secrets: [{ ruleId: 'SS-SEC-001', title: 'AWS access key', path: '/app/.env', layer: 3 }] } })],
      },
    ]);
    const outcome = noSecretsInImages.evaluate(context(estate({ dockerfiles: [df], registries: [reg] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence.map((e) => e.where)).toEqual(['apps/api/Dockerfile:4', `registry.example.com/team/api@${digest}`]);
    expect(outcome.evidence[1]?.text).toContain('AWS access key at /app/.env (layer 3)');
    expect(outcome.changes[0]).toMatchObject({ file: 'apps/api/Dockerfile', line: 4 });
    expect(outcome.changes[0]?.snippet).toContain('RUN --mount=type=secret,id=token');
    expect(outcome.changes[1]?.snippet).toBe(`skopeo delete docker://registry.example.com/team/api@${digest}`);
  });

  it('counts a whole context copied without .dockerignore as partial and proposes one', () => {
    const df = dockerfile('svc/Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-021', 3, 'MEDIUM', 'COPY . without .dockerignore', 'svc/Dockerfile')]);
    const outcome = noSecretsInImages.evaluate(context(estate({ dockerfiles: [df] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.changes[0]).toMatchObject({ file: 'svc/.dockerignore', line: 0 });
    expect(outcome.changes[0]?.snippet).toContain('.env*');
  });
});
