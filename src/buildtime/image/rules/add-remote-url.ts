import { instructionOf } from '../../../image/history.js';
import type { ImageFinding, ImageRule } from '../rule.js';
import { finding, layerLocation } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-008',
  title: 'ADD fetches a remote URL',
  severity: 'MEDIUM',
  rationale:
    '`ADD <url>` downloads whatever the server returns at build time, unverified unless a checksum is given: the build is not reproducible and a compromised server or network path changes the image.',
  remediation:
    'Download with `RUN curl -fsSLO <url> && echo "<sha256>  <file>" | sha256sum -c -`, or give `ADD --checksum=sha256:<hex> <url>`; prefer a versioned package.',
  references: ['CIS Docker Benchmark v1.6.0 4.9', 'dockle CIS-DI-0009', 'hadolint DL3020', 'checkov CKV_DOCKER_4'],
  cis: '4.9',
  dockle: 'CIS-DI-0009',
};

/** The remote sources of an `ADD` instruction (http(s), git, ssh URLs), and whether it pins a checksum. */
export function remoteAddSources(instruction: string): { urls: string[]; checksum: boolean } | undefined {
  const match = /^ADD\s+(.*)$/is.exec(instruction.trim());
  if (!match?.[1]) return undefined;
  const words = match[1].split(/\s+/).filter((word) => word !== '');
  const flags = words.filter((word) => word.startsWith('--'));
  const urls = words
    .filter((word) => /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/)/i.test(word) || /^\[?"(?:https?|git|ssh):/i.test(word))
    .map((word) => word.replace(/^\[?"|",?$|"\]$/g, ''));
  if (urls.length === 0) return undefined;
  return { urls, checksum: flags.some((flag) => flag.startsWith('--checksum=')) };
}

/**
 * SS-IMG-008: history entries whose instruction is `ADD http(s)://...` (or a git URL). With
 * `--checksum` the content is pinned and the finding is LOW. Unmapped history (counts disagree)
 * is still checked, without a layer.
 */
export const addRemoteUrl: ImageRule = {
  meta,
  check(model) {
    const findings: ImageFinding[] = [];
    for (const entry of model.image.config.history ?? []) {
      const instruction = instructionOf(entry.created_by);
      const sources = instruction === undefined ? undefined : remoteAddSources(instruction);
      if (!sources) continue;
      const index = model.layers.findIndex((layer) => layer.history === entry);
      const where = index < 0 ? '' : ` in layer ${index}`;
      const pinned = sources.checksum ? ' (pinned with --checksum)' : ' without a checksum';
      const message = `ADD downloads ${sources.urls.join(', ')}${where}${pinned}`;
      findings.push(finding(meta, message, index < 0 ? {} : { layer: layerLocation(model, index) }, sources.checksum ? 'LOW' : meta.severity));
    }
    return findings;
  },
};
