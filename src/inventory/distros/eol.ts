import { ownEntry } from '../../core/records.js';
import { majorMinorOf, majorOf } from './distro.js';

/*
 * When a release's security support ends, by distribution.
 *
 * Policy: the end of the distribution's own regular security support, as its maintainers publish
 * it — Debian's security team (not Debian LTS or Freexian ELTS), Ubuntu's standard support (not ESM),
 * Red Hat's maintenance support (not ELS), Alpine's branch end. Paid or volunteer extensions are
 * left out so that one rule applies to every distribution: after this date an ordinary user of the
 * release gets no more fixes.
 *
 * Only dates published to the day are listed; a release that is missing, still without a published
 * end, or rolling (Wolfi, Chainguard, openSUSE Tumbleweed, Alpine edge) gives undefined. Never guess.
 * Oracle Linux, SLES, Photon OS, CBL-Mariner and Azure Linux publish their ends by month only (or per
 * service pack), so they have no entries yet.
 */

/** Release key (what `releaseKey` derives from the version) → ISO date. */
type Table = Readonly<Record<string, string>>;

const debian: Table = {
  '7': '2016-04-25',
  '8': '2018-06-17',
  '9': '2020-07-06',
  '10': '2022-09-10',
  '11': '2024-08-14',
  // Debian LTS takes bookworm over on 2026-06-11 (wiki.debian.org/LTS).
  '12': '2026-06-10',
};

// End of standard support (ESM, a subscription, is not counted). Interim releases whose end is
// published only to the month are left out.
const ubuntu: Table = {
  '14.04': '2019-04-30',
  '16.04': '2021-04-30',
  '18.04': '2023-05-31',
  '20.04': '2025-05-31',
  '22.04': '2027-04-01', // endoflife.date; Canonical publishes "April 2027"
  '22.10': '2023-07-20',
  '24.04': '2029-05-31',
  '24.10': '2025-07-10',
};

// alpinelinux.org/releases: each stable branch is supported for about two years.
const alpine: Table = {
  '3.10': '2021-05-01',
  '3.11': '2021-11-01',
  '3.12': '2022-05-01',
  '3.13': '2022-11-01',
  '3.14': '2023-05-01',
  '3.15': '2023-11-01',
  '3.16': '2024-05-23',
  '3.17': '2024-11-22',
  '3.18': '2025-05-09',
  '3.19': '2025-11-01',
  '3.20': '2026-04-01',
  '3.21': '2026-11-01',
  '3.22': '2027-05-01',
  '3.23': '2027-11-01',
};

// Red Hat's maintenance support end; the rebuilds follow RHEL's life cycle.
const enterpriseLinux: Table = { '6': '2020-11-30', '7': '2024-06-30', '8': '2029-05-31', '9': '2032-05-31' };
const rebuild: Table = { '8': '2029-05-31', '9': '2032-05-31' };

// CentOS Linux. CentOS Stream 8 also says ID=centos VERSION_ID=8 (it ended 2024-05-31); the CentOS
// Linux 8 date is the one given, and both are past.
const centos: Table = { '6': '2020-11-30', '7': '2024-06-30', '8': '2021-12-31' };

// Fedora's end is fixed only weeks ahead (four weeks after release N+2): only past ends are listed.
const fedora: Table = {
  '36': '2023-05-16',
  '37': '2023-12-05',
  '38': '2024-05-21',
  '39': '2024-11-26',
  '40': '2025-05-13',
  '41': '2025-12-15',
};

// Amazon Linux AMI (VERSION_ID 2011.09 … 2018.03) ended maintenance support on 2023-12-31.
const amazon: Table = { ami: '2023-12-31', '2': '2026-06-30', '2023': '2029-06-30' };

const opensuseLeap: Table = { '15.3': '2022-12-31', '15.4': '2023-12-07', '15.5': '2024-12-31', '15.6': '2026-04-30' };

interface Lifecycle {
  table: Table;
  releaseKey: (version: string) => string | undefined;
}

const byMajor = (table: Table): Lifecycle => ({ table, releaseKey: majorOf });
const byMajorMinor = (table: Table): Lifecycle => ({ table, releaseKey: majorMinorOf });

const lifecycles: Readonly<Record<string, Lifecycle>> = {
  debian: byMajor(debian),
  // Google distroless images are Debian releases without a package manager.
  distroless: byMajor(debian),
  ubuntu: byMajorMinor(ubuntu),
  alpine: byMajorMinor(alpine),
  rhel: byMajor(enterpriseLinux),
  centos: byMajor(centos),
  rocky: byMajor(rebuild),
  almalinux: byMajor(rebuild),
  fedora: byMajor(fedora),
  amazon: { table: amazon, releaseKey: (version) => (/^20[01]\d\.\d\d$/.test(version) ? 'ami' : majorOf(version)) },
  opensuse: byMajorMinor(opensuseLeap),
};

/** os-release `ID`s that name a distro under another id here. */
const aliases: Readonly<Record<string, string>> = {
  amzn: 'amazon',
  'opensuse-leap': 'opensuse',
  alma: 'almalinux',
};

/**
 * The ISO date (`YYYY-MM-DD`) the release's regular security support ends, or undefined when not
 * known. `distroId` is a Distro id or an os-release `ID`; `version` its `VERSION_ID` (`12.5`,
 * `22.04`, `3.19.1`, `2023`).
 */
export function endOfLife(distroId: string, version: string | undefined): string | undefined {
  const id = distroId.toLowerCase();
  const lifecycle = ownEntry(lifecycles, ownEntry(aliases, id) ?? id);
  if (lifecycle === undefined || version === undefined) return undefined;
  const key = lifecycle.releaseKey(version.trim());
  return key === undefined ? undefined : lifecycle.table[key];
}
