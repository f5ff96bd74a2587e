import { describe, expect, it } from 'vitest';
import { LimitExceededError, UsageError } from '../core/errors.js';
import { at, describeBackends, hostReportOf } from './test-backends.js';

describeBackends((backend) => {
  describe('host reports', () => {
    it('keeps the newest report of each host, lists the hosts by name with their summaries a page at a time, and deletes one', async () => {
      const { store } = backend;
      const summary = await store.putHostReport('node-b', hostReportOf('b.example', ['/etc/docker/daemon.json: unreadable']), at(1));
      expect(summary).toEqual({
        name: 'node-b',
        receivedAt: at(1),
        os: 'Debian GNU/Linux 12 (bookworm)',
        kernel: '6.1.0-28-amd64',
        engines: [{ kind: 'docker', version: '27.3.1', containers: 2 }],
        containers: 2,
        findings: { HIGH: 1, MEDIUM: 1 },
        // the container whose writable layer was not read, and the host's one problem
        unknown: 2,
      });
      await store.putHostReport('node-a', hostReportOf('a.example', []), at(2));
      await store.putHostReport('node-c', hostReportOf(undefined), at(3));
      const later = hostReportOf('b.example', ['/etc/docker/daemon.json: unreadable', '/run/containerd: unreadable']);
      await store.putHostReport('node-b', later, at(4));

      const first = await store.listHostReports({ limit: 2 });
      expect(first.items.map((host) => [host.name, host.receivedAt, host.unknown])).toEqual([
        ['node-a', at(2), 1],
        ['node-b', at(4), 3],
      ]);
      expect(first.total).toBe(3);
      const second = await store.listHostReports({ limit: 2, cursor: first.next });
      expect(second.items.map((host) => host.name)).toEqual(['node-c']);
      expect(second.next).toBeUndefined();

      expect(await store.hostReport('node-b')).toEqual({ name: 'node-b', receivedAt: at(4), report: later });
      expect(await store.hostReport('node-x')).toBeUndefined();
      expect((await store.hostReports()).map((stored) => [stored.name, stored.report.host.hostname])).toEqual([
        ['node-a', 'a.example'],
        ['node-b', 'b.example'],
        ['node-c', undefined],
      ]);

      expect(await store.deleteHostReport('node-b')).toBe(true);
      expect(await store.deleteHostReport('node-b')).toBe(false);
      expect((await store.hostReports()).map((stored) => stored.name)).toEqual(['node-a', 'node-c']);
    });

    it('keeps a report received later than the one it would replace', async () => {
      const { store } = backend;
      await store.putHostReport('node-a', hostReportOf('newer'), at(5));
      await store.putHostReport('node-a', hostReportOf('older'), at(4));
      expect((await store.hostReport('node-a'))?.report.host.hostname).toBe('newer');
      expect((await store.listHostReports({ limit: 10 })).items.map((host) => host.receivedAt)).toEqual([at(5)]);
      await store.putHostReport('node-a', hostReportOf('again'), at(5));
      expect((await store.hostReport('node-a'))?.report.host.hostname).toBe('again');
    });

    it('keeps text with NUL and facts of the wrong type as text, or leaves them out of the summary', async () => {
      const report = hostReportOf('odd');
      report.host.os = { id: 'x', name: 'Odd\u0000OS', version: undefined, prettyName: 42 as unknown as string, evidence: '' };
      report.host.kernel = 'not an object' as unknown as undefined;
      const summary = await backend.store.putHostReport('odd', report, at(1));
      expect([summary.os, summary.kernel]).toEqual(['Odd\u0000OS', undefined]);
      // the list's column is NUL-free on both backends; the report keeps its text as sent
      expect((await backend.store.listHostReports({ limit: 1 })).items[0]?.os).toBe('Odd\uFFFDOS');
      expect((await backend.store.hostReport('odd'))?.report.host.os?.name).toBe('Odd\u0000OS');
    });

    it('refuses a name that is not a host name, a report over the largest document, and one host more than it keeps', async () => {
      const { store } = backend;
      for (const name of ['', 'a b', 'node/1', '../x', 'n'.repeat(254), 'nöde']) {
        await expect(store.putHostReport(name, hostReportOf('x'), at(1)), name).rejects.toBeInstanceOf(UsageError);
      }
      await store.putHostReport('n'.repeat(253), hostReportOf('x'), at(1));

      const small = await backend.open(backend.location, { maxDocumentBytes: 4096, maxHosts: 2 });
      const big = hostReportOf(
        'big',
        Array.from({ length: 100 }, (_, i) => `problem ${i}: ${'x'.repeat(40)}`),
      );
      await expect(small.putHostReport('big', big, at(1))).rejects.toBeInstanceOf(LimitExceededError);
      await small.putHostReport('second', hostReportOf('second'), at(2));
      await expect(small.putHostReport('third', hostReportOf('third'), at(3))).rejects.toThrow(/2 hosts at most/);
      // a host it keeps may send again
      await small.putHostReport('second', hostReportOf('second'), at(4));
      expect((await small.listHostReports({ limit: 10 })).items.map((host) => [host.name.length, host.receivedAt])).toEqual([
        [253, at(1)],
        [6, at(4)],
      ]);
    });
  });
});
