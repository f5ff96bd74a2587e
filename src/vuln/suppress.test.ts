import { describe, expect, it } from 'vitest';
import type { VulnerabilityFinding } from './finding.js';
import { parseIgnoreFile, parseOpenVex, suppressFindings } from './suppress.js';

const finding = (id: string, aliases: string[], purl: string): VulnerabilityFinding =>
  ({ id, aliases, package: { purl, name: purl.split('/').pop() } }) as unknown as VulnerabilityFinding;
const lodash = finding('CVE-2020-8203', ['x_NSWG-ECO-516'], 'pkg:npm/lodash@4.17.15');
const zlib = finding('CVE-2022-37434', ['DSA-5218-1'], 'pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2+deb11u1?arch=amd64');
const now = new Date('2026-11-29T00:00:00Z');

describe('ignore files', () => {
  it('parse ids, purls, expiry dates and reasons; comments and blank lines are skipped', () => {
    const entries = parseIgnoreFile(
      '# team policy\n\nCVE-2022-37434 exp:2027-01-31  # not reachable\nx_NSWG-ECO-516 pkg:npm/lodash # dev only\n',
      '.shipshapeignore',
    );
    expect(entries).toEqual([
      { id: 'CVE-2022-37434', purl: undefined, expires: new Date('2027-01-31T23:59:59Z'), reason: 'not reachable', line: 3 },
      { id: 'x_NSWG-ECO-516', purl: 'pkg:npm/lodash', expires: undefined, reason: 'dev only', line: 4 },
    ]);
  });

  it('reject malformed lines with the file and line', () => {
    expect(() => parseIgnoreFile('CVE-1 exp:tomorrow', 'f')).toThrow(/f:1: invalid expiry/);
    expect(() => parseIgnoreFile('CVE-1 because', 'f')).toThrow(/f:1: unexpected "because"/);
  });

  it('suppress by id or alias, for the named package only; expired entries warn and no longer apply', () => {
    const warnings: string[] = [];
    const ignores = parseIgnoreFile(
      'x_NSWG-ECO-516 pkg:npm/lodash # dev only\nCVE-2022-37434 exp:2026-01-01 # was accepted\nCVE-2020-8203 pkg:npm/underscore\n',
      'f',
    );
    const { kept, suppressed } = suppressFindings([lodash, zlib], { ignores, now, warn: (m) => warnings.push(m) });
    expect(suppressed).toEqual([{ finding: lodash, by: 'ignorefile', reason: 'dev only' }]);
    expect(kept).toEqual([zlib]);
    expect(warnings).toEqual(['ignore entry CVE-2022-37434 (line 2) expired on 2026-01-01; it no longer applies']);
  });
});

describe('OpenVEX', () => {
  const vex = (statements: unknown[]) => parseOpenVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements }), 'vex.json');

  it('not_affected and fixed suppress with their justification; affected and under_investigation keep the finding', () => {
    const doc = vex([
      {
        vulnerability: { name: 'CVE-2022-37434' },
        products: [{ '@id': 'pkg:oci/app@sha256:abc', subcomponents: [{ '@id': 'pkg:deb/debian/zlib1g' }] }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
      },
      { vulnerability: 'CVE-2020-8203', products: ['pkg:npm/lodash@4.17.15'], status: 'under_investigation' },
    ]);
    const { kept, suppressed } = suppressFindings([lodash, zlib], { vex: [doc], imagePurl: 'pkg:oci/app@sha256:abc', now, warn: () => undefined });
    expect(suppressed).toEqual([{ finding: zlib, by: 'vex', reason: 'not_affected (vulnerable_code_not_in_execute_path)' }]);
    expect(kept).toEqual([lodash]);
  });

  it('a statement about another package or version does not apply; one about the image covers its packages', () => {
    const other = vex([{ vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': 'pkg:npm/lodash@4.17.21' }], status: 'fixed' }]);
    expect(suppressFindings([lodash], { vex: [other], now, warn: () => undefined }).kept).toEqual([lodash]);
    const image = vex([{ vulnerability: { name: 'x_NSWG-ECO-516' }, products: [{ '@id': 'pkg:oci/app@sha256:abc' }], status: 'fixed' }]);
    expect(suppressFindings([lodash], { vex: [image], imagePurl: 'pkg:oci/app@sha256:abc', now, warn: () => undefined }).suppressed).toHaveLength(1);
  });

  it('refuses documents that are not OpenVEX', () => {
    expect(() => parseOpenVex('{"statements": []}', 'x.json')).toThrow(/x.json is not an OpenVEX document/);
    expect(() => parseOpenVex('nope', 'x.json')).toThrow(/x.json is not JSON/);
  });
});
