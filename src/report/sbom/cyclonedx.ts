import { ownEntry } from '../../core/records.js';
import { Contrib, Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Package } from '../../inventory/inventory.js';
import type { AdvisoryCoverage } from '../../vuln/coverage.js';
import type { VulnerabilityFinding } from '../../vuln/finding.js';
import { displayVersion, documentUuid, imageDigest, imagePurl, isSpdxExpression, packageProperties, type SbomInput } from './document.js';

/** A license string is an SPDX id or expression if spdx-expression-parse accepts it; else a named license. */
const licenseFactory = new Contrib.License.Factories.LicenseFactory(isSpdxExpression);

/**
 * CycloneDX 1.6 JSON: the image as the BOM's subject (a `container` component), the OS as an
 * `operating-system` component that depends on the OS packages, and every package as a `library`
 * with its purl, licenses, and the layer that introduced it as `shipshape:layer:*` properties.
 * Lists are sorted by the library's normaliser, so two runs give the same document (apart from
 * timestamp and serial number, which `--reproducible` fixes).
 */
export function cyclonedxJson(input: SbomInput, findings: readonly VulnerabilityFinding[] = [], coverage?: AdvisoryCoverage): string {
  const { image, inventory } = input;
  const subject = new Models.Component(Enums.ComponentType.Container, image.reference ?? image.name, {
    bomRef: 'image',
    version: imageDigest(image),
    purl: imagePurl(image) as unknown as Models.Component['purl'],
    properties: new Models.PropertyRepository([
      new Models.Property('shipshape:image:digest', imageDigest(image)),
      new Models.Property('shipshape:image:id', image.configDigest),
      new Models.Property('shipshape:image:platform', [image.config.os, image.config.architecture, image.config.variant].filter(Boolean).join('/')),
      ...image.layers.map((layer) => new Models.Property(`shipshape:layer:${layer.index}:diffID`, layer.diffId)),
    ]),
  });
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${documentUuid(input)}`,
    metadata: new Models.Metadata({
      timestamp: input.timestamp,
      component: subject,
      tools: new Models.Tools({
        components: new Models.ComponentRepository([new Models.Component(Enums.ComponentType.Application, 'shipshape', { version: input.toolVersion })]),
      }),
      properties: new Models.PropertyRepository(coverageProperties(coverage)),
    }),
  });
  const notChecked = new Map((coverage?.notChecked ?? []).map((entry) => [entry.purl, entry.ecosystem]));

  const refs = uniqueRefs(inventory.packages);
  const components = inventory.packages.map((pkg) => packageComponent(pkg, refs.get(pkg) as string, notChecked.get(pkg.purl)));
  const os = inventory.os
    ? new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.id, {
        bomRef: 'os',
        ...(inventory.os.version ? { version: inventory.os.version } : {}),
        ...(inventory.os.prettyName ? { description: inventory.os.prettyName } : {}),
      })
    : undefined;
  components.forEach((component, index) => {
    const pkg = inventory.packages[index] as Package;
    const isOsPackage = pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm';
    (isOsPackage && os ? os : subject).dependencies.add(component.bomRef);
    bom.components.add(component);
  });
  if (os) {
    subject.dependencies.add(os.bomRef);
    bom.components.add(os);
  }

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const json = serializer.serialize(bom, { sortLists: true, space: 2 });
  if (findings.length === 0) return `${json}\n`;
  const document = JSON.parse(json) as Record<string, unknown>;
  document.vulnerabilities = findings.map((finding) => vulnerabilityOf(finding, refs.get(finding.package) ?? finding.package.purl));
  return `${JSON.stringify(document, null, 2)}\n`;
}

const ratingMethod: Record<string, string> = { CVSS_V2: 'CVSSv2', CVSS_V3: 'CVSSv31', CVSS_V4: 'CVSSv4' };

/** A CycloneDX 1.6 `vulnerabilities[]` entry: the advisory, its rating, and the component it affects. */
function vulnerabilityOf(finding: VulnerabilityFinding, ref: string): Record<string, unknown> {
  const { severity } = finding;
  const method = severity.vector?.startsWith('CVSS:3.0') ? 'CVSSv3' : (ownEntry(ratingMethod, severity.source.split(' ')[0] ?? '') ?? 'other');
  return {
    'bom-ref': `${finding.id}#${ref}`,
    id: finding.id,
    source: { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(finding.id)}` },
    ...(finding.aliases.length
      ? { references: finding.aliases.map((id) => ({ id, source: { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` } })) }
      : {}),
    ratings: [
      {
        ...(severity.score !== undefined ? { score: severity.score } : {}),
        severity: severity.level.toLowerCase(),
        method,
        ...(severity.vector ? { vector: severity.vector } : {}),
      },
    ],
    ...(finding.summary ? { description: finding.summary } : {}),
    recommendation: finding.fixedVersion ? `Upgrade ${finding.package.name} to ${finding.fixedVersion}` : 'No fixed version is known',
    ...(finding.references.length ? { advisories: finding.references.slice(0, 20).map((url) => ({ url })) } : {}),
    affects: [{ ref, versions: [{ version: finding.installedVersion, status: 'affected' }] }],
    properties: [
      { name: 'shipshape:affectedRange', value: finding.affectedRange },
      { name: 'shipshape:ecosystem', value: finding.ecosystem },
      { name: 'shipshape:layer:index', value: String(finding.package.layer.index) },
    ],
  };
}

/**
 * With vulnerabilities: per ecosystem of the image, whether the advisory database covered it — a
 * BOM without `vulnerabilities` for an ecosystem that was not checked means "unknown", not "none".
 */
function coverageProperties(coverage: AdvisoryCoverage | undefined): Models.Property[] {
  if (!coverage) return [];
  return [
    new Models.Property('shipshape:vulnerabilities:coverage', coverage.complete ? 'complete' : 'incomplete'),
    ...coverage.ecosystems.map(
      (e) =>
        new Models.Property(
          `shipshape:vulnerabilities:coverage:${e.ecosystem}`,
          e.covered ? `covered (${e.advisories} advisories, ${e.packages} packages)` : `not checked (${e.packages} packages): ${e.reason}`,
        ),
    ),
  ];
}

function packageComponent(pkg: Package, bomRef: string, notCheckedIn: string | undefined): Models.Component {
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef,
    version: displayVersion(pkg),
    purl: pkg.purl as unknown as Models.Component['purl'],
    ...(pkg.namespace ? { group: pkg.namespace } : {}),
  });
  for (const license of pkg.licenses ?? []) component.licenses.add(licenseFactory.makeFromString(license));
  for (const [name, value] of packageProperties(pkg)) component.properties.add(new Models.Property(name, value));
  if (notCheckedIn) component.properties.add(new Models.Property('shipshape:vulnerabilities:not-checked', `no ${notCheckedIn} advisories in the database`));
  return component;
}

/** bom-refs: the purl, made unique with the evidence path when the same package is found twice. */
function uniqueRefs(packages: readonly Package[]): Map<Package, string> {
  const counts = new Map<string, number>();
  for (const pkg of packages) counts.set(pkg.purl, (counts.get(pkg.purl) ?? 0) + 1);
  const refs = new Map<Package, string>();
  const used = new Set<string>();
  for (const pkg of packages) {
    let ref = (counts.get(pkg.purl) ?? 0) > 1 ? `${pkg.purl}#${pkg.location ?? pkg.path}` : pkg.purl;
    for (let n = 2; used.has(ref); n++) ref = `${pkg.purl}#${pkg.location ?? pkg.path}#${n}`;
    used.add(ref);
    refs.set(pkg, ref);
  }
  return refs;
}
