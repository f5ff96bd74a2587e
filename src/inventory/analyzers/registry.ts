import type { FileAnalyzer } from '../analyzer.js';
import { apkAnalyzer } from './apk/index.js';
import { cargoAuditableAnalyzer } from './cargo/index.js';
import { composerAnalyzer } from './composer/index.js';
import { dotnetAnalyzer } from './dotnet/index.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { gemAnalyzer } from './gem/index.js';
import { goBinaryAnalyzer } from './golang/index.js';
import { javaAnalyzer } from './java/index.js';
import { npmAnalyzer } from './npm/index.js';
import { osAnalyzer } from './os/index.js';
import { pythonAnalyzer } from './python/index.js';
import { rpmAnalyzer } from './rpm/index.js';

/** Every analyser, in one explicit list: the layer scan runs these, the contract test walks them. */
export const analyzers: readonly FileAnalyzer[] = [
  osAnalyzer,
  dpkgAnalyzer,
  apkAnalyzer,
  rpmAnalyzer,
  npmAnalyzer,
  pythonAnalyzer,
  gemAnalyzer,
  composerAnalyzer,
  dotnetAnalyzer,
  goBinaryAnalyzer,
  cargoAuditableAnalyzer,
  javaAnalyzer,
];
