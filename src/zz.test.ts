import { it } from 'vitest';
import { parsePipelines } from './buildtime/ci/discover.js';
it('x', () => {
  for (const n of [1000, 2000, 4000]) {
    const text = `pipeline { agent any\n stages { stage("b") { steps { sh """docker push ${'\n""${'.repeat(n)}""" } } } }\n`;
    const t = performance.now();
    try {
      parsePipelines('jenkins', 'Jenkinsfile', text, '.');
    } catch (e) {
      console.log(String(e));
    }
    console.log(n, Math.round(performance.now() - t));
  }
}, 120000);
