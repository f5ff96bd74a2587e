import { describe, expect, it } from 'vitest';
import { endOfLife } from './eol.js';
import { distros } from './registry.js';

describe('endOfLife', () => {
  it.each([
    // [distro id or os-release ID, VERSION_ID, expected]
    ['debian', '9', '2020-07-06'],
    ['debian', '11.11', '2024-08-14'],
    ['debian', '12', '2026-06-10'],
    ['distroless', '12', '2026-06-10'],
    ['ubuntu', '20.04', '2025-05-31'],
    ['ubuntu', '22.04', '2027-04-01'],
    ['ubuntu', '24.04', '2029-05-31'],
    ['alpine', '3.18.4', '2025-05-09'],
    ['alpine', '3.19', '2025-11-01'],
    ['alpine', '3.20.0', '2026-04-01'],
    ['alpine', '3.21.2', '2026-11-01'],
    ['rhel', '7.9', '2024-06-30'],
    ['rhel', '8.10', '2029-05-31'],
    ['rhel', '9.4', '2032-05-31'],
    ['centos', '7', '2024-06-30'],
    ['centos', '8', '2021-12-31'],
    ['rocky', '9.3', '2032-05-31'],
    ['almalinux', '8.9', '2029-05-31'],
    ['fedora', '39', '2024-11-26'],
    ['amazon', '2', '2026-06-30'],
    ['amzn', '2023', '2029-06-30'],
    ['amzn', '2018.03', '2023-12-31'],
    ['opensuse-leap', '15.5', '2024-12-31'],
    ['DEBIAN', '10', '2022-09-10'],
  ])('%s %s → %s', (id, version, expected) => {
    expect(endOfLife(id, version)).toBe(expected);
  });

  it.each<[string, string | undefined, string]>([
    ['debian', '13', 'a release without a published end'],
    ['debian', undefined, 'no version'],
    ['debian', 'bookworm/sid', 'testing'],
    ['ubuntu', '23.04', 'an interim release published only to the month'],
    ['alpine', 'edge', 'edge'],
    ['alpine', '3.99.0', 'an unknown branch'],
    ['wolfi', '20230201', 'rolling'],
    ['chainguard', undefined, 'rolling'],
    ['opensuse', '20240101', 'Tumbleweed'],
    ['cbl-mariner', '2.0', 'no day-exact date'],
    ['plan9', '4', 'an unknown distribution'],
  ])('%s %s → undefined (%s)', (id, version) => {
    expect(endOfLife(id, version)).toBeUndefined();
  });

  it('answers only ISO dates, for ids the distro registry knows or aliases', () => {
    for (const distro of distros) {
      for (const version of ['1', '2', '3.19', '7', '8', '9', '10', '11', '12', '15.5', '20.04', '22.04', '38', '2023']) {
        const date = endOfLife(distro.id, version);
        if (date !== undefined) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        if (date !== undefined) expect(Number.isNaN(Date.parse(date))).toBe(false);
      }
    }
  });
});
