import { describe, expect, it } from 'vitest';
import { levelOfScore, severityOf } from './severity.js';

describe('severityOf', () => {
  it('computes the score from the vector with a CVSS library, newest CVSS version first', () => {
    const severity = severityOf(
      [
        { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      ],
      [],
    );
    expect(severity).toEqual({ level: 'CRITICAL', score: 9.8, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', source: 'CVSS_V3 vector' });
    expect(severityOf([{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }], [])).toMatchObject({
      level: 'CRITICAL',
      score: 9.3,
    });
    expect(severityOf([{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N' }], [])).toMatchObject({ level: 'MEDIUM', score: 6.5 });
  });

  it('rates CVSS v2 on its own scale (no CRITICAL)', () => {
    expect(severityOf([{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }], [])).toMatchObject({ level: 'HIGH', score: 10 });
    expect(levelOfScore(9.5, true)).toBe('HIGH');
  });

  it('falls back to the advisory severity word, then UNKNOWN; a malformed vector is skipped', () => {
    expect(severityOf([{ type: 'CVSS_V3', score: 'garbage' }], ['MODERATE'])).toEqual({
      level: 'MEDIUM',
      score: undefined,
      vector: undefined,
      source: 'advisory severity field',
    });
    expect(severityOf([], [undefined, 'negligible'])).toMatchObject({ level: 'LOW' });
    expect(severityOf([], [])).toMatchObject({ level: 'UNKNOWN', source: 'none' });
  });
});
