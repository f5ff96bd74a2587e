import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../advisories/osv.js';
import { invalid, ok, type VersionScheme } from '../versioning/scheme.js';
import { evaluateAffected } from './osv-range.js';

/** Dotted numbers, compared part by part: enough to test OSV's event logic on its own. */
const dotted: VersionScheme<number[]> = {
  id: 'dotted',
  description: 'test scheme',
  parse: (raw) => (/^\d+(\.\d+)*$/.test(raw) ? ok(raw.split('.').map(Number)) : invalid('not dotted numbers')),
  compare: (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  },
};
const schemeFor = (type: string) => (type === 'GIT' ? undefined : dotted);
const range = (...events: Record<string, string>[]): OsvAffected => ({ ranges: [{ type: 'ECOSYSTEM', events: events as never }] });
const status = (version: string, affected: OsvAffected) => evaluateAffected(version, affected, schemeFor).status;

describe('OSV range evaluation', () => {
  it('introduced/fixed: affected from introduced up to, not including, the fix', () => {
    const affected = range({ introduced: '1.2' }, { fixed: '1.5' });
    expect(['1.1', '1.2', '1.4.9', '1.5', '2'].map((v) => status(v, affected))).toEqual([
      'not-affected',
      'affected',
      'affected',
      'not-affected',
      'not-affected',
    ]);
    expect(evaluateAffected('1.3', affected, schemeFor)).toEqual({
      status: 'affected',
      how: 'range',
      range: 'ECOSYSTEM >=1.2 <1.5',
      fixed: '1.5',
      lastAffected: undefined,
    });
  });

  it('introduced "0" is below every version; no fix means every later version', () => {
    expect(evaluateAffected('0.0.1', range({ introduced: '0' }), schemeFor)).toMatchObject({ status: 'affected', fixed: undefined, range: 'ECOSYSTEM >=0' });
  });

  it('last_affected: affected up to and including it', () => {
    const affected = range({ introduced: '0' }, { last_affected: '2.0' });
    expect(['1.9', '2.0', '2.0.1'].map((v) => status(v, affected))).toEqual(['affected', 'affected', 'not-affected']);
    expect(evaluateAffected('2.0', affected, schemeFor)).toMatchObject({ lastAffected: '2.0', range: 'ECOSYSTEM >=0 <=2.0' });
  });

  it('several introduced/fixed pairs in one range, in any order', () => {
    const affected = range({ fixed: '1.5' }, { introduced: '2.0' }, { introduced: '1.0' }, { fixed: '2.3' });
    expect(['0.9', '1.0', '1.6', '2.0', '2.2', '2.3'].map((v) => status(v, affected))).toEqual([
      'not-affected',
      'affected',
      'not-affected',
      'affected',
      'affected',
      'not-affected',
    ]);
    expect(evaluateAffected('2.1', affected, schemeFor)).toMatchObject({ fixed: '2.3' });
  });

  it('limit: versions at or above every limit are not affected; "*" is no limit', () => {
    const affected = range({ introduced: '0' }, { limit: '3.0' });
    expect(['2.9', '3.0', '4'].map((v) => status(v, affected))).toEqual(['affected', 'not-affected', 'not-affected']);
    expect(status('99', range({ introduced: '0' }, { limit: '*' }))).toBe('affected');
  });

  it('several ranges: affected if any includes the version', () => {
    const affected: OsvAffected = {
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '2.0' }, { fixed: '2.1' }] },
      ],
    };
    expect(['1.0', '1.5', '2.0'].map((v) => status(v, affected))).toEqual(['affected', 'not-affected', 'affected']);
  });

  it('the explicit versions list, and GIT ranges ignored', () => {
    const affected: OsvAffected = { versions: ['1.0.0-weird'], ranges: [{ type: 'GIT', repo: 'x', events: [{ introduced: 'abc' }, { fixed: 'def' }] }] };
    expect(evaluateAffected('1.0.0-weird', affected, schemeFor)).toMatchObject({ status: 'affected', how: 'versions' });
    expect(status('1.0', affected)).toBe('not-affected');
  });

  it('an unparseable installed or event version is indeterminate, never a guess', () => {
    expect(evaluateAffected('1.x', range({ introduced: '0' }, { fixed: '2' }), schemeFor)).toMatchObject({
      status: 'indeterminate',
      reason: expect.stringContaining('installed version "1.x"'),
    });
    expect(evaluateAffected('1.0', range({ introduced: '0' }, { fixed: 'two' }), schemeFor)).toMatchObject({
      status: 'indeterminate',
      reason: expect.stringContaining('fixed version "two"'),
    });
  });

  it('a version both listed and in a range reports the range, which knows the fix (PYSEC records list versions too)', () => {
    const affected: OsvAffected = { versions: ['2.2.2', '2.3.0'], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.3.8' }] }] };
    expect(evaluateAffected('2.2.2', affected, schemeFor)).toMatchObject({ status: 'affected', how: 'range', fixed: '2.3.8' });
    const listedOnly: OsvAffected = { versions: ['9.9'], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.3.8' }] }] };
    expect(evaluateAffected('9.9', listedOnly, schemeFor)).toMatchObject({ status: 'affected', how: 'versions', fixed: undefined });
  });

  it('SEMVER ranges compare installed versions without a leading v', () => {
    const affected: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2' }] }] };
    expect(status('v1.1', affected)).toBe('affected');
  });
});
