import type { RuleFinding } from '../../../rules/rule.js';
import type { DockerfileFrom, DockerfileInfo } from '../../estate-model.js';
import { nodeId, onMap } from '../support/ids.js';
import { digestCommand, displayRef, findStored, parseImage, registryTrust } from '../support/images.js';
import { shellCommand } from '../support/quote.js';
import type { Check, ControlContext, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';
import type { ProposedChange } from '../model.js';
import { pushAll } from '../../../core/collections.js';
import type { ImageReference } from '../../../image/reference.js';

/** SS-CTL-B01: every FROM names a parent from a trusted registry, pinned by digest. */
export const trustedParentImages: PostureControl = {
  meta: {
    id: 'SS-CTL-B01',
    phase: 'build',
    title: 'Parent images come from trusted registries, pinned by digest',
    objective:
      "Every FROM names an image from an allowed (or the organisation's own) registry, by digest, so a build cannot silently pick up a different or untrusted base.",
    evaluation:
      'Each FROM of each Dockerfile (stage references and scratch aside): trusted and pinned is met, one of the two is partial, neither (or a registry outside allowedRegistries) is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.5', title: 'Use of untrusted images' },
      { framework: 'CIS Docker Benchmark', id: '4.2', title: 'Ensure that containers use only trusted base images' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const { dockerfiles } = context.evidence.build;
    if (dockerfiles.length === 0) return unknown('no Dockerfiles were read');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const dockerfile of dockerfiles) {
      for (const from of dockerfile.froms) {
        if (from.stageRef !== undefined || from.resolved.trim().toLowerCase() === 'scratch') continue;
        const result = judgeFrom(context, dockerfile, from);
        checks.push(result.check);
        pushAll(changes, result.changes);
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'parent images', met: 'are trusted and pinned by digest', notMet: 'are untrusted or not pinned by digest' },
      'the Dockerfiles read name no parent images',
    );
  },
};

function judgeFrom(context: ControlContext, dockerfile: DockerfileInfo, from: DockerfileFrom): { check: Check; changes: ProposedChange[] } {
  const place = at(dockerfile.file, from.line);
  const dockerfileNode = nodeId.dockerfile(dockerfile.file);
  const findings = findingsAt(dockerfile.findings, from.line, ['SS-DF-001', 'SS-DF-002']);
  if (from.unknowns.length > 0) {
    const text = `FROM ${from.raw} depends on ${from.unknowns.map((name) => `ARG ${name}`).join(', ')} with no default: the parent cannot be judged`;
    return {
      check: check('partial', text, place, onMap(context.map, [dockerfileNode]), findings),
      changes: [
        change(`give ${from.unknowns.join(', ')} a default that names a pinned parent`, {
          file: dockerfile.file,
          line: from.line,
          snippet: undefined,
          nodes: onMap(context.map, [dockerfileNode]),
        }),
      ],
    };
  }
  const ref = parseImage(from.resolved);
  if (ref === undefined) {
    return { check: check('gap', `FROM ${from.raw} is not a valid image reference`, place, onMap(context.map, [dockerfileNode]), findings), changes: [] };
  }
  const nodes = onMap(context.map, [dockerfileNode, nodeId.image(ref.registry, ref.repository)]);
  const trust = registryTrust(context.policy, context.evidence, ref.registry, ref.repository);
  const pinned = ref.digest !== undefined;
  const denied = !trust.trusted && context.policy.allowedRegistries.length > 0;
  const verdict = denied ? 'gap' : trust.trusted && pinned ? 'met' : trust.trusted || pinned ? 'partial' : 'gap';
  const text = `${displayRef(ref)}: ${trust.why}; ${pinned ? 'pinned by digest' : 'not pinned by digest'}`;
  const changes: ProposedChange[] = [];
  if (!pinned) changes.push(pinChange(context, dockerfile, from, ref, nodes, findings));
  if (!trust.trusted) {
    const mirror = internalRegistry(context);
    changes.push(
      change(
        mirror
          ? `take the parent from a trusted registry: mirror it into ${mirror} and point line ${from.line} of ${dockerfile.file} at the copy`
          : `take the parent from a trusted registry and list that registry in the policy's allowedRegistries`,
        {
          file: dockerfile.file,
          line: from.line,
          snippet: mirror
            ? shellCommand(['skopeo', 'copy', `docker://${from.resolved}`, `docker://${mirror}/${ref.repository}:${ref.tag ?? 'latest'}`])
            : undefined,
          nodes,
        },
      ),
    );
  }
  return { check: check(verdict, text, place, nodes, findings), changes };
}

/** The registry to mirror parents into: an allow-list entry naming a plain registry, else the first registry scanned. */
function internalRegistry(context: ControlContext): string | undefined {
  const plain = context.policy.allowedRegistries.find((entry) => !entry.includes('*'));
  return plain?.replace(/\/+$/, '') ?? context.evidence.registries[0]?.registry;
}

/** A digest as a registry gives it: `sha256:` and 64 hex digits (`sha512:` 128); anything else is not written into a Dockerfile. */
function validDigest(digest: string | undefined): string | undefined {
  return digest !== undefined && /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/.test(digest) ? digest : undefined;
}

/**
 * Pinning a FROM by digest: from the registry scan's tag, else from `resolvedDigests` (the registry
 * asked by `fix --resolve`). The edit puts `@digest` after the reference as written, so
 * `--platform` and `AS stage` stay; a reference built from ARGs is left to be pinned by hand.
 */
function pinChange(
  context: ControlContext,
  dockerfile: DockerfileInfo,
  from: DockerfileFrom,
  ref: Pick<ImageReference, 'registry' | 'repository' | 'tag' | 'digest'>,
  nodes: string[],
  findings: string[],
): ProposedChange {
  const stored = validDigest(findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, undefined)?.tag?.digest);
  const resolved = validDigest(context.resolvedDigests?.get(from.resolved) ?? context.resolvedDigests?.get(displayRef(ref)));
  const digest = stored ?? resolved;
  const fields = { file: dockerfile.file, line: from.line, nodes };
  if (digest === undefined) {
    return change(`pin the parent by digest: find the digest of ${from.resolved}, then write FROM ${from.resolved}@<digest> at line ${from.line}`, {
      ...fields,
      snippet: digestCommand(from.resolved),
    });
  }
  const platform = from.platform ? `--platform=${from.platform} ` : '';
  const stage = from.stageName ? ` AS ${from.stageName}` : '';
  const source = stored === undefined ? ' (the digest its registry gave for the tag)' : '';
  // the reference as written is on the line when no ARG is in it
  const written = from.raw === from.resolved;
  return {
    ...change(
      written
        ? `pin the parent by digest: replace line ${from.line} of ${dockerfile.file}${source}`
        : `pin the parent by digest: make the ARG default that line ${from.line} of ${dockerfile.file} uses name ${from.resolved.split('@')[0] ?? ''}@${digest}${source}`,
      {
        ...fields,
        snippet: `FROM ${platform}${from.resolved.split('@')[0] ?? ''}@${digest}${stage}`,
        edits: written ? [{ kind: 'substitute', file: dockerfile.file, line: from.line, find: from.raw, replace: `${from.raw}@${digest}` }] : [],
      },
    ),
    // a parent named without a tag is no longer implicitly `latest` once pinned
    rules: findings.filter((id) => id === 'SS-DF-001' || (id === 'SS-DF-002' && !/:[^/]*$/.test(from.resolved.split('@')[0] ?? ''))),
  };
}

function findingsAt(findings: readonly RuleFinding[], line: number, ruleIds: readonly string[]): string[] {
  return findings.filter((f) => ruleIds.includes(f.ruleId) && f.location.startLine === line).map((f) => f.ruleId);
}
