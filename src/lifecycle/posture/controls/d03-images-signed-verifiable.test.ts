import { describe, expect, it } from 'vitest';
import { context, digestOf, estate, registry, signature, stored } from '../test-evidence.js';
import { imagesSignedVerifiable } from './d03-images-signed-verifiable.js';

const a = digestOf('a');
const b = digestOf('b');
const c = digestOf('c');

describe('SS-CTL-D03 stored images signed and verifiable', () => {
  it('is met when every tagged image has a verified signature', () => {
    const reg = registry('r.example', [{ name: 'team/a', images: [stored(a, ['1'], { signatures: [signature(true)] })] }]);
    expect(imagesSignedVerifiable.evaluate(context(estate({ registries: [reg] }))).status).toBe('met');
  });

  it('is partial when signatures are present but not verified, and says why', () => {
    const reg = registry('r.example', [{ name: 'team/a', images: [stored(a, ['1'], { signatures: [signature(undefined)] })] }]);
    const outcome = imagesSignedVerifiable.evaluate(context(estate({ registries: [reg] }), { policy: { trustedKeys: ['keys/cosign.pub'] } }));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('did not verify it against the trusted keys');
    expect(outcome.changes[0]?.snippet).toBe(`cosign verify --key keys/cosign.pub r.example/team/a@${a}`);
  });

  it('is a gap for unsigned images and signatures that fail', () => {
    const reg = registry('r.example', [
      { name: 'team/a', images: [stored(b, ['2']), stored(c, ['3'], { signatures: [signature(false, 'invalid signature')] })] },
    ]);
    const outcome = imagesSignedVerifiable.evaluate(context(estate({ registries: [reg] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence.map((e) => e.where)).toEqual([`r.example/team/a@${b}`, `r.example/team/a@${c}`]);
    expect(outcome.evidence[1]?.text).toContain('invalid signature');
    expect(outcome.changes[0]?.snippet).toBe(`cosign sign --yes --key cosign.key r.example/team/a@${b}`);
  });
});
