import { describe, expect, it } from 'vitest';
import { analyzeContent } from '../../../test-support/analyze.js';
import { osAnalyzer } from './index.js';

describe('osAnalyzer', () => {
  it('reads os-release and lsb-release as key/value pairs, release files as their first line', () => {
    expect(analyzeContent(osAnalyzer, '/usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\n')).toEqual({ osFacts: { ID: 'debian', VERSION_ID: '12' } });
    expect(analyzeContent(osAnalyzer, '/etc/alpine-release', '3.19.1\n')).toEqual({ osFacts: { text: '3.19.1' } });
    expect(analyzeContent(osAnalyzer, '/etc/debian_version', '')).toEqual({ notes: ['/etc/debian_version is empty'] });
  });

  it('wants only the OS identification files', () => {
    expect(analyzeContent(osAnalyzer, '/etc/os-release.bak', 'ID=x')).toBeUndefined();
    expect(analyzeContent(osAnalyzer, '/opt/etc/os-release', 'ID=x')).toBeUndefined();
  });
});
