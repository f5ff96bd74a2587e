/**
 * Whether a registry address is on the loopback interface: `localhost:5000`, `127.0.0.1:5000`,
 * `[::1]:5000`, `http://127.0.0.1:5000/v2`, or a CIDR inside 127.0.0.0/8. Docker always treats
 * 127.0.0.0/8 as insecure, and plain HTTP to the host itself crosses no network: not findings.
 */
export function isLoopbackRegistry(address: string): boolean {
  const bare = address
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .toLowerCase();
  const cidr = /^(\d+)\.\d+\.\d+\.\d+\/(\d+)$/.exec(bare);
  if (cidr) return cidr[1] === '127' && Number(cidr[2]) >= 8;
  if (bare === '::1/128') return true;
  const host = hostOf(bare.split('/')[0] ?? '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether a registry endpoint URL is plain HTTP to another host (no TLS at all). */
export function isRemotePlainHttp(url: string): boolean {
  return /^http:\/\//i.test(url.trim()) && !isLoopbackRegistry(url);
}

/** The host of `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
function hostOf(authority: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(authority);
  if (bracketed) return bracketed[1] ?? '';
  const colons = authority.split(':').length - 1;
  return colons === 1 ? (authority.split(':')[0] ?? '') : authority;
}
