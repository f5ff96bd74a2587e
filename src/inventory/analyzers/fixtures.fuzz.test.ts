import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { analyzeContent } from '../../test-support/analyze.js';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedBytes } from '../../test-support/fuzz-mutate.js';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { apkAnalyzer } from './apk/index.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { rpmAnalyzer } from './rpm/index.js';

// The real package databases of ../shared/fixtures (dpkg, apk; rpm in BerkeleyDB, NDB and SQLite),
// damaged. A clone without the shared data fuzzes the databases analyzers.fuzz.test.ts and
// rpm/rpm.fuzz.test.ts write from the formats' grammars.

const files = (folder: string): Buffer[] =>
  readdirSync(sharedPath('fixtures', folder), { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(sharedPath('fixtures', folder), name))
    .filter((file) => statSync(file).isFile() && !file.endsWith('.md') && !file.endsWith('.tsv'))
    .map((file) => readFileSync(file));

describe('fuzz: real package databases, damaged', skipWhen(sharedAbsent), () => {
  const cases = [
    { analyzer: dpkgAnalyzer, folder: 'dpkg', path: '/var/lib/dpkg/status' },
    { analyzer: apkAnalyzer, folder: 'apk', path: '/lib/apk/db/installed' },
    { analyzer: rpmAnalyzer, folder: 'rpmdb', path: '/var/lib/rpm/Packages' },
  ];
  for (const { analyzer, folder, path: imagePath } of cases) {
    it(`${folder}: packages and notes, never a throw or a caught crash`, async () => {
      const seeds = files(folder);
      const reach = new Reach();
      await fuzz(
        `${folder} fixtures`,
        mutatedBytes(fc.constantFrom(...seeds), { others: seeds }),
        (content) => {
          const output = bounded('never-throws', () => analyzeContent(analyzer, imagePath, content));
          reach.input((output?.packages?.length ?? 0) > 0 && 'packages');
          checkNoMaskedCrash(output?.notes ?? []);
          checkOutputBound(output, content.length, 10);
        },
        { weight: folder === 'rpmdb' ? 0.3 : 1, describe: (content) => preview(content) },
      );
      reach.expect('packages', 0.3);
    });
  }
});
