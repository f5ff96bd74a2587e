// Prints vitest's result as one plain closing line ("tests: N passed, N failed, N skipped") that
// CI logs and tools can read, from the JSON report `npm test` asks vitest to write.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.cache/vitest-results.json';
const results = JSON.parse(readFileSync(file, 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
process.exitCode = results.numFailedTests > 0 || results.numTotalTests === 0 ? 1 : 0;
