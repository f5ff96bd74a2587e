import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { baseName, parentOf, type FileEntry } from '../../../image/layer/entry.js';
import { parseRubyLiteral, type RubyLiteral } from './ruby-literal.js';

const suffix = '.gemspec';

/**
 * Whether a path is an installed gem's specification: `<GEM_HOME>/specifications/<gem>.gemspec`
 * (also Bundler's `vendor/bundle/ruby/<v>/specifications`, Debian's
 * `/usr/share/rubygems-integration/<v>/specifications`) or a default gem's
 * `specifications/default/<gem>.gemspec`. A gem's own source gemspec (`gems/rack-2.2.8/rack.gemspec`) is not.
 */
export function isInstalledGemspec(path: string): boolean {
  if (!path.endsWith(suffix) || baseName(path).length <= suffix.length) return false;
  const folder = parentOf(path);
  const folderName = baseName(folder);
  return folderName === 'specifications' || (folderName === 'default' && baseName(parentOf(folder)) === 'specifications');
}

/** `s.name = …`: the receiver is whatever the `do |s|` block names it; `==`, `=~`, `=>` are not assignments. */
const assignment = /^[ \t]*[A-Za-z_][A-Za-z0-9_]*\.(name|version|licenses|license|platform)[ \t]*=(?![=~>])/;
/** RubyGems' stub line, `# stub: rack 2.2.22 ruby lib`, read without loading the spec. */
const stubLine = /^# stub: (\S+) (\S+) (\S+)/;

interface Assigned {
  name?: RubyLiteral | undefined;
  version?: RubyLiteral | undefined;
  licenses?: RubyLiteral | undefined;
  license?: RubyLiteral | undefined;
  platform?: RubyLiteral | undefined;
}

/** Reads the gem an installed gemspec describes, from its literal assignments; nothing is executed. */
function analyzeGemspec(file: CapturedFile): AnalyzerOutput {
  const text = file.content.toString('utf8').replace(/^\uFEFF/, '');
  const assigned: Assigned = {};
  const notes: string[] = [];
  let stub: string[] | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    // only the first stub line names the gem (a second lists extensions, NUL-separated)
    if (line.startsWith('# stub: ')) stub ??= stubLine.exec(line)?.slice(1) ?? [];
    const match = assignment.exec(line);
    const attribute = match?.[1] as keyof Assigned | undefined;
    if (!match || attribute === undefined || attribute in assigned) continue;
    const value = parseRubyLiteral(line.slice(match[0].length));
    if (value === undefined) notes.push(`s.${attribute} is not a literal: ignored`);
    assigned[attribute] = value;
  }
  const name = single(assigned.name) ?? stub?.[0];
  const version = single(assigned.version) ?? stub?.[1];
  if (name === undefined || name === '') return { notes: [...notes, 'no gem name: skipped'] };
  if (version === undefined || version === '') return { notes: [...notes, `no version for gem ${name}: skipped`] };
  const found: FoundPackage = { type: 'gem', name, version };
  const licenses = [...new Set([assigned.licenses, assigned.license].flatMap((value) => value ?? []))].filter((license) => license !== '');
  if (licenses.length > 0) found.licenses = licenses;
  const properties: Record<string, string> = {};
  const platform = single(assigned.platform) ?? stub?.[2];
  if (platform !== undefined && platform !== 'ruby') properties.platform = platform;
  if (baseName(parentOf(file.path)) === 'default') properties.defaultGem = 'true';
  if (Object.keys(properties).length > 0) found.properties = properties;
  return notes.length > 0 ? { packages: [found], notes } : { packages: [found] };
}

function single(value: RubyLiteral | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

/** Installed Ruby gems, from the specifications RubyGems (and Debian's rubygems-integration) writes. */
export const gemAnalyzer: FileAnalyzer = {
  id: 'gem',
  version: 1,
  maxBytes: 1024 * 1024,
  required: (path: string, entry: FileEntry) => entry.type === 'file' && isInstalledGemspec(path),
  analyze: analyzeGemspec,
};
