import { createHash } from 'node:crypto';
import type { Package } from '../../inventory/inventory.js';
import { displayVersion, documentUuid, imageDigest, imagePurl, isSpdxExpression, packageProperties, type SbomInput } from './document.js';

/** The parts of an SPDX 2.3 document we write (https://spdx.github.io/spdx-spec/v2.3/). */
interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  primaryPackagePurpose: 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY';
  sourceInfo?: string;
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
  annotations?: { annotationType: 'OTHER'; annotator: string; annotationDate: string; comment: string }[];
}

/**
 * SPDX 2.3 JSON: the image as the described `CONTAINER` package, the OS as an `OPERATING_SYSTEM`
 * package that CONTAINS the OS packages, and the other packages CONTAINED by the image. Where each
 * package was found and the layer that introduced it are annotations (`shipshape:layer:index=2`).
 * Licenses that are not SPDX expressions become `LicenseRef-` entries with their text kept.
 */
export function spdxJson(input: SbomInput): string {
  const { image, inventory } = input;
  const created = input.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const annotator = `Tool: shipshape-${input.toolVersion}`;
  const extracted = new Map<string, string>();
  const name = image.reference ?? image.name;

  const packages: SpdxPackage[] = [
    {
      SPDXID: 'SPDXRef-Image',
      name,
      versionInfo: imageDigest(image),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'CONTAINER',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(image) }],
    },
  ];
  const relationships = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' }];
  if (inventory.os) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: inventory.os.id,
      ...(inventory.os.version ? { versionInfo: inventory.os.version } : {}),
      downloadLocation: 'NONE',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' });
  }

  const ids = new Set<string>();
  for (const pkg of inventory.packages) {
    const id = uniqueId(pkg, ids);
    packages.push({
      SPDXID: id,
      name: pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
      versionInfo: displayVersion(pkg),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declaredLicense(pkg.licenses ?? [], extracted),
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'LIBRARY',
      ...(pkg.source && pkg.type !== 'npm'
        ? { sourceInfo: `built package from: ${pkg.source.name}${pkg.source.version ? ` ${pkg.source.version}` : ''}` }
        : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
      annotations: packageProperties(pkg).map(([key, value]) => ({ annotationType: 'OTHER', annotator, annotationDate: created, comment: `${key}=${value}` })),
    });
    const isOsPackage = pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm';
    const parent = isOsPackage && inventory.os ? 'SPDXRef-OperatingSystem' : 'SPDXRef-Image';
    relationships.push({ spdxElementId: parent, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }

  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://shipshape.invalid/spdx/${encodeURIComponent(name)}-${documentUuid(input)}`,
    creationInfo: { created, creators: [annotator] },
    packages,
    relationships,
    ...(extracted.size > 0
      ? { hasExtractedLicensingInfos: [...extracted].sort().map(([licenseId, extractedText]) => ({ licenseId, extractedText, name: extractedText })) }
      : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** An SPDXID unique in the document and stable across runs: type, name and a hash of purl + path. */
function uniqueId(pkg: Package, used: Set<string>): string {
  const hash = createHash('sha256')
    .update(`${pkg.purl}\0${pkg.path}\0${pkg.location ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  let id = `SPDXRef-Package-${pkg.type}-${pkg.name.replace(/[^A-Za-z0-9.-]+/g, '-')}-${hash}`;
  for (let n = 2; used.has(id); n++) id = `${id}-${n}`;
  used.add(id);
  return id;
}

/** Declared licenses as one SPDX expression; names that are not SPDX become LicenseRef-s. */
function declaredLicense(licenses: readonly string[], extracted: Map<string, string>): string {
  if (licenses.length === 0) return 'NOASSERTION';
  const parts = licenses.map((license) => {
    if (isSpdxExpression(license)) return licenses.length > 1 && /\s/.test(license) ? `(${license})` : license;
    const ref = `LicenseRef-${license.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-|-$/g, '') || 'unknown'}`;
    extracted.set(ref, license);
    return ref;
  });
  return [...new Set(parts)].join(' AND ');
}
