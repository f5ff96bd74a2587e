import { parseContent } from './parse.js';
import type { HostConfigFile, HostConfigKind, HostFileType } from './rule.js';

/** Ownership and type of an example file; by default a regular file, root:root, 0644. */
export interface ExampleStat {
  type?: HostFileType;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** A host file for a rule's examples, parsed as the collector parses it (an example that does not parse is a bug, thrown at load). */
export function exampleFile(kind: HostConfigKind, path: string, text: string | undefined, stat: ExampleStat = {}): HostConfigFile {
  const content = text === undefined ? { parsed: undefined } : parseContent(kind, text);
  if ('error' in content) throw new Error(`example ${path}: ${content.error}`);
  return { kind, path, type: stat.type ?? 'file', mode: stat.mode ?? 0o644, uid: stat.uid ?? 0, gid: stat.gid ?? 0, text, parsed: content.parsed };
}

/** `/etc/docker/daemon.json` holding `config`. */
export function daemonJson(config: Record<string, unknown>, stat?: ExampleStat): HostConfigFile {
  return exampleFile('docker-daemon', '/etc/docker/daemon.json', `${JSON.stringify(config, null, 2)}\n`, stat);
}

/** The packaged `docker.service` starting `dockerd <flags>`. */
export function dockerUnit(flags: string, stat?: ExampleStat): HostConfigFile {
  const text = `[Unit]\nDescription=Docker Application Container Engine\n\n[Service]\nType=notify\nExecStart=/usr/bin/dockerd ${flags}\n`;
  return exampleFile('docker-unit', '/lib/systemd/system/docker.service', text, stat);
}

/** An override drop-in replacing docker.service's command line, as `systemctl edit docker` writes one. */
export function dockerDropIn(name: string, flags: string): HostConfigFile {
  return exampleFile('docker-unit', `/etc/systemd/system/docker.service.d/${name}`, `[Service]\nExecStart=\nExecStart=/usr/bin/dockerd ${flags}\n`);
}
