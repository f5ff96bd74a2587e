import type { RuleFinding } from '../rules/rule.js';
import type { EcosystemCoverage } from '../vuln/coverage.js';
import type { SeverityLevel } from '../core/severity.js';

/**
 * The distribute-phase model: what one registry stores, who can pull it, whether it is signed and
 * attested, and how tags moved. `shipshape registry scan` produces it; the lifecycle map (registries,
 * images by digest, tags) and the posture assessment read it.
 */
export interface RegistryScanReport {
  schema: 'shipshape/registry-scan@1';
  /** `registry.example:5000` as given (no scheme). */
  registry: string;
  /** The repository prefix scanned (`team/` or `team/app`), undefined for the whole registry. */
  prefix: string | undefined;
  /** ISO time the scan started. */
  scannedAt: string;
  access: RegistryAccess;
  repositories: RepositoryReport[];
  /** Changes since the previous scan of the same registry (undefined on the first scan). */
  changes: RegistryChanges | undefined;
  /** SS-REG-NNN findings; location.registry/repository/tag/digest say where. */
  findings: RegistryFinding[];
  /** Non-fatal problems (a repository that could not be listed, an image that could not be read). */
  diagnostics: string[];
  /**
   * What could not be read — a repository's tag list, a tag, a manifest, an image — each also in
   * `diagnostics`. Unknown is never clean: `registry scan` exits 2 while this is not empty. Absent in
   * reports written before it was recorded.
   */
  unread?: UnreadItem[] | undefined;
  stats: RegistryScanStats;
}

/** Something a registry scan could not read, and why. */
export interface UnreadItem {
  /** `team/app`, `team/app:1.0` or `team/app@sha256:…`. */
  where: string;
  message: string;
}

/** How much was read: a layer shared by many images is read once (`layers.read` counts unique reads). */
interface RegistryScanStats {
  repositories: number;
  tags: number;
  images: number;
  platformImages: number;
  /** `fromFleet`: read by another worker of a fleet (`shipshape worker`) and taken from the shared store. */
  layers: { read: number; fromDiskCache: number; shared: number; fromFleet?: number };
  durationMs: number;
}

/** How the registry is reached and who may pull. */
export interface RegistryAccess {
  scheme: 'http' | 'https';
  /** `GET /v2/` answered without credentials: 200 → `none`; 401 → the challenge's scheme. */
  authScheme: 'none' | 'basic' | 'bearer' | 'other';
  /** Could a repository's tags (or the catalog) be read with no credentials at all. undefined: not probed. */
  anonymousPull: boolean | undefined;
  /** Could `/v2/_catalog` be listed with no credentials. */
  anonymousCatalog: boolean | undefined;
  /** The server certificate (https only). */
  tls: TlsCertificate | undefined;
}

export interface TlsCertificate {
  subject: string;
  issuer: string;
  /** ISO times. */
  validFrom: string;
  validTo: string;
  /** Days until `validTo` from the scan time (negative when expired). */
  daysLeft: number;
  /** Did the chain verify against the trusted CAs (system + `--ca-file`). */
  trusted: boolean;
  /** Why not, as the TLS stack says (`self-signed certificate`, `certificate has expired`). */
  error: string | undefined;
  selfSigned: boolean;
}

export interface RepositoryReport {
  /** `team/app`. */
  name: string;
  tags: TagReport[];
  /** Every image (manifest or index) reachable from the tags, and untagged ones found as referrers' subjects. */
  images: StoredImage[];
}

export interface TagReport {
  tag: string;
  /** The manifest or index digest the tag resolves to. */
  digest: string;
  mediaType: string;
  /** When the tag pointed elsewhere at the previous scan: that digest. */
  movedFrom: string | undefined;
}

/** A manifest or index stored in the repository, by digest. */
export interface StoredImage {
  digest: string;
  mediaType: string;
  /** Tags pointing at it (empty: untagged). */
  tags: string[];
  /** One entry for a plain manifest; one per platform for an index (attestation entries excluded). */
  platforms: PlatformImage[];
  signatures: SignatureEvidence[];
  attestations: AttestationEvidence[];
}

export interface PlatformImage {
  /** `linux/amd64`, `linux/arm64/v8`. */
  platform: string;
  /** The platform manifest's digest (equals the StoredImage digest for a plain manifest). */
  digest: string;
  /** Config `created`, ISO. */
  created: string | undefined;
  /** Whole days between `created` and the scan. */
  ageDays: number | undefined;
  os: StoredImageOs | undefined;
  /** Counts by severity from the vulnerability scan; undefined when not scanned (no DB, `--skip-vulns`, error). */
  vulnerabilities: Partial<Record<SeverityLevel, number>> | undefined;
  /** The part of `vulnerabilities` that has a fixed version (what `--ignore-unfixed` policies count). */
  fixable: Partial<Record<SeverityLevel, number>> | undefined;
  /** Each vulnerability found (what the counts count), for reports that list them. */
  vulnerabilityList: StoredVulnerability[] | undefined;
  /**
   * Which of the image's ecosystems the advisory database covered, when vulnerabilities were looked
   * for. Not complete: the counts say nothing about the packages not checked. undefined in reports
   * written before coverage was recorded: whether they were complete is not known.
   */
  coverage: { complete: boolean; ecosystems: EcosystemCoverage[] } | undefined;
  /** `org.opencontainers.image.base.name` / `.base.digest` annotations or labels (the parent image). */
  baseName: string | undefined;
  baseDigest: string | undefined;
  /** `org.opencontainers.image.source` / `.revision` labels or annotations. */
  source: string | undefined;
  revision: string | undefined;
  /** Runs as root (config User empty, `root` or `0`). */
  runsAsRoot: boolean | undefined;
  /** Secrets found in the image's layers or config (masked); undefined when not scanned. */
  secrets: { ruleId: string; title: string; path: string | undefined; layer: number | undefined }[] | undefined;
}

interface StoredVulnerability {
  /** The advisory id (`CVE-…`, `DSA-…`, `GHSA-…`) and its aliases. */
  id: string;
  aliases: string[];
  severity: SeverityLevel;
  package: string;
  installed: string;
  fixed: string | undefined;
  summary: string | undefined;
}

interface StoredImageOs {
  /** Distro id (`debian`, `alpine`) and version as the inventory detected them. */
  id: string;
  name: string;
  version: string | undefined;
  /** End of (security) support of that release, ISO date, when known. */
  eolDate: string | undefined;
  /** true when `eolDate` is before the scan time. */
  endOfLife: boolean | undefined;
}

/** Where a signature or attestation was found. */
export type ReferrerSource =
  | 'cosign-tag' // `<repo>:sha256-<hex>.sig|.att|.sbom`
  | 'referrers-api' // `GET /v2/<name>/referrers/<digest>`
  | 'referrers-tag' // the referrers fallback tag `sha256-<hex>` (an index)
  | 'buildkit-index'; // an attestation-manifest entry of the image index

export interface SignatureEvidence {
  format: 'cosign' | 'cosign-bundle' | 'notation';
  source: ReferrerSource;
  /** The digest of the manifest that holds the signature. */
  manifestDigest: string;
  /** With `--key`: did a cosign signature verify (signature over the payload, payload names this digest). undefined: not verified. */
  verified: boolean | undefined;
  /** Why verification failed. */
  verifyError: string | undefined;
}

export type AttestationKind = 'provenance' | 'sbom' | 'vulnerability-report' | 'other';

export interface AttestationEvidence {
  kind: AttestationKind;
  /** `https://slsa.dev/provenance/v1`, `https://spdx.dev/Document`, a media type for `.sbom` attachments. */
  predicateType: string | undefined;
  source: ReferrerSource;
  manifestDigest: string;
  /** Carried in a signed envelope (cosign `.att`, Sigstore bundle). BuildKit attestations are unsigned. */
  signed: boolean;
}

export interface RegistryChanges {
  /** ISO time of the previous scan compared against. */
  previousScanAt: string;
  newImages: { repository: string; digest: string; tags: string[] }[];
  movedTags: { repository: string; tag: string; from: string; to: string }[];
  removedTags: { repository: string; tag: string; digest: string }[];
  /** Finding fingerprints not present in the previous scan. */
  newFindings: string[];
}

/** A registry finding: a RuleFinding whose location is in the registry. */
export interface RegistryFinding extends RuleFinding {
  target: RegistryTarget;
}

export interface RegistryTarget {
  registry: string;
  repository: string | undefined;
  tag: string | undefined;
  digest: string | undefined;
}
