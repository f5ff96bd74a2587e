import { describe, expect, it } from 'vitest';
import { applyEdits } from '../apply.js';
import { context, digestOf, estate, registry, run, stored } from '../test-evidence.js';
import { imagesByDigestFromAllowed } from './r03-images-by-digest-allowed.js';

const digest = digestOf('api');
const pod = (image: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  containers:\n    - name: api\n      image: ${image}\n`;

describe('SS-CTL-R03 images by digest from allowed registries', () => {
  it('is met by digest from an allowed registry', () => {
    const outcome = imagesByDigestFromAllowed.evaluate(
      context(estate({ run: run(pod(`r.example/team/api@${digest}`)) }), { policy: { allowedRegistries: ['r.example'] } }),
    );
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]?.where).toBe('deploy.yaml:9');
  });

  it('is partial by tag from a trusted registry, with the digest the registry scan knows', () => {
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(digest, ['1.0'])] }]);
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run(pod('r.example/team/api:1.0')) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.changes[0]).toMatchObject({ file: 'deploy.yaml', line: 9, snippet: `image: r.example/team/api:1.0@${digest}` });
    // applied to the manifest, the control finds the image pinned
    const pinned = applyEdits(pod('r.example/team/api:1.0'), 'deploy.yaml', outcome.changes[0]?.edits ?? []);
    expect(imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run(pinned) }))).status).toBe('met');
  });

  it('is a gap by tag from a registry outside the allow-list', () => {
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ run: run(pod('nginx:1.27')) }), { policy: { allowedRegistries: ['r.example'] } }));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]?.snippet).toBe("skopeo inspect docker://nginx:1.27 --format '{{.Digest}}'");
  });
});
