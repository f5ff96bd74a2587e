import { buildImage, type BuiltImage } from './image-builder.js';

/** A Debian 11 package database holding zlib1g 1:1.2.11.dfsg-2+deb11u1: the version DSA-5218-1 (CVE-2022-37434) of examples/advisories fixes. */
const zlibStatus = `Package: zlib1g
Status: install ok installed
Priority: required
Architecture: amd64
Source: zlib
Version: 1:1.2.11.dfsg-2+deb11u1
Description: compression library

`;

/** A one-layer Debian 11 image with a vulnerable zlib: what an advisory update finds without reading the image again. */
export function debianZlibImage(): Promise<BuiltImage> {
  return buildImage({
    layers: [
      {
        createdBy: 'ADD rootfs',
        items: [
          { name: 'etc/' },
          { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' },
          { name: 'var/' },
          { name: 'var/lib/' },
          { name: 'var/lib/dpkg/' },
          { name: 'var/lib/dpkg/status', content: zlibStatus },
        ],
      },
    ],
  });
}
