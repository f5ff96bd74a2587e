import type { FileAnalyzer } from '../analyzer.js';
import { apkAnalyzer } from './apk/index.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { osAnalyzer } from './os/index.js';
import { rpmAnalyzer } from './rpm/index.js';

/** Every analyser, in one explicit list: the layer scan runs these, the contract test walks them. */
export const analyzers: readonly FileAnalyzer[] = [osAnalyzer, dpkgAnalyzer, apkAnalyzer, rpmAnalyzer];
