import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { commandMissing, fileMissing, skipWhen } from '../../../test-support/skip.js';
import { mavenScheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(mavenScheme, a, b).op;

describe('maven vectors', () => {
  it('osv-scalibr maven-versions(-generated).txt (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('maven');
    expect(pairs).toHaveLength(14854);
    expectPairs(mavenScheme, pairs, 'maven/pairs.tsv');
  });
});

describe('mavenScheme', () => {
  it('orders the known qualifiers, then unknown ones lexically', () => {
    const chain = ['1-alpha', '1-beta', '1-milestone', '1-rc', '1-snapshot', '1', '1-sp', '1-abc', '1-abd', '1-1', '1.1'];
    for (let i = 1; i < chain.length; i++) expect(cmp(chain[i - 1] ?? '', chain[i] ?? ''), chain[i]).toBe('<');
  });

  it('knows the aliases and the one-letter shorthands before a number', () => {
    expect(cmp('1-cr1', '1-rc-1')).toBe('=');
    expect(cmp('1-ga', '1')).toBe('=');
    expect(cmp('1.Final', '1')).toBe('=');
    expect(cmp('1-release', '1')).toBe('=');
    expect(cmp('1a1', '1-alpha-1')).toBe('=');
    expect(cmp('1b1', '1-beta-1')).toBe('=');
    expect(cmp('1m1', '1-milestone-1')).toBe('=');
    // Without a number after it, `a` is an unknown qualifier, after the release.
    expect(cmp('1-a', '1')).toBe('>');
  });

  it('trims trailing nulls before each hyphen, and pads with nulls', () => {
    expect(cmp('1.0.0', '1')).toBe('=');
    expect(cmp('1.0-0', '1')).toBe('=');
    expect(cmp('1..', '1')).toBe('=');
    expect(cmp('1.0.0-foo', '1-foo')).toBe('=');
    expect(cmp('1.0.1', '1')).toBe('>');
    expect(cmp('1-sp', '1')).toBe('>');
    expect(cmp('1-1.foo-bar-1-baz-0.1', '1-1.foo-bar1baz-.1')).toBe('=');
  });

  it('puts .qualifier < -qualifier < -number < .number', () => {
    expect(cmp('1.foo', '1-foo')).toBe('<');
    expect(cmp('1-foo', '1-1')).toBe('<');
    expect(cmp('1-1', '1.1')).toBe('<');
  });

  it('takes the documented side where Maven releases differ', () => {
    // 3.8.6 and the specification; 3.8.7+ (MNG-7559) say `<`.
    expect(cmp('1.0.0.RC1', '1.0.0-RC2')).toBe('>');
    expect(cmp('1-ga-1', '1-1')).toBe('=');
    expect(cmp('1.ga.1', '1')).toBe('>');
    expect(cmp('1.+foo', '1')).toBe('>');
  });

  it('is case-insensitive and compares numbers of any size exactly', () => {
    expect(cmp('1.0-RC1', '1.0-rc1')).toBe('=');
    expect(cmp('1.0-SNAPSHOT', '1.0-snapshot')).toBe('=');
    expect(cmp('12345678901234567890.1', '12345678901234567891')).toBe('<');
    expect(cmp('1.00000000000000000001', '1.1')).toBe('=');
  });

  it.each(['', ' ', '1.0 ', ' 1.0', '1 .0', '1.0\n', '1.0\t', '1.\u0000', 'é', '1.٣'])('rejects %j', (raw) => {
    expect(mavenScheme.parse(raw).ok).toBe(false);
  });

  it('accepts any other printable ASCII string, as Maven does', () => {
    for (const raw of ['.', '-', 'foo', '1+build', '1_2', 'v1.2', '[1.0]']) expect(mavenScheme.parse(raw).ok, raw).toBe(true);
  });
});

// Debian's maven-artifact; MAVEN_ARTIFACT_JAR names another copy.
const jar = process.env.MAVEN_ARTIFACT_JAR ?? '/usr/share/java/maven3-artifact.jar';
const mavenMissing = commandMissing('java', 'openjdk-17-jdk-headless') ?? fileMissing(jar, 'maven-artifact (MAVEN_ARTIFACT_JAR)', 'libmaven3-core-java');

const ORACLE = `import org.apache.maven.artifact.versioning.ComparableVersion;
import java.io.*;
public class Oracle {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
    for (String line; (line = in.readLine()) != null; ) {
      String[] p = line.split("\\t", -1);
      out.println(Integer.signum(new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]))));
    }
    out.flush();
  }
}
`;

describe("maven against maven-artifact's ComparableVersion", () => {
  // Real versions only (every version of the vector files, paired at random): on made-up ones
  // Maven releases disagree with each other and with the POM reference. Versions with a
  // `.letter` are left out too: Maven 3.8.7 (MNG-7559) reads `1.0.0.RC1` as `1.0.0-RC1`, where
  // 3.8.6, which generated the vectors, and the specification do not.
  it('agrees on 6000 pairs of real versions', skipWhen(sharedAbsent, mavenMissing), () => {
    const versions = [...new Set(loadPairs('maven').flatMap((p) => [p.left, p.right]))].filter((v) => !/\.[a-z]/i.test(v));
    let seed = 42;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % versions.length;
    const pairs = Array.from({ length: 6000 }, () => [versions[next()] ?? '', versions[next()] ?? ''] as const);
    const dir = mkdtempSync(path.join(tmpdir(), 'maven-oracle-'));
    try {
      writeFileSync(path.join(dir, 'Oracle.java'), ORACLE);
      const run = spawnSync('java', ['-cp', jar, path.join(dir, 'Oracle.java')], {
        input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(''),
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const answers = run.stdout.split('\n');
      const failures: string[] = [];
      pairs.forEach(([a, b], i) => {
        const pa = mavenScheme.parse(a);
        const pb = mavenScheme.parse(b);
        const ours = pa.ok && pb.ok ? String(Math.sign(mavenScheme.compare(pa.value, pb.value))) : 'error';
        if (ours !== answers[i]) failures.push(`${a} vs ${b}: maven ${answers[i]}, here ${ours}`);
      });
      expect(failures.slice(0, 20), `${failures.length} of ${pairs.length} disagree`).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
