/** EXPOSE arguments as port ranges: `8080`, `22/tcp`, `9000-9010/udp`. Undefined for an unresolved or invalid argument. */
export function portsOf(argument: string): { from: number; to: number; protocol: string } | undefined {
  const match = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(argument);
  if (!match) return undefined;
  const from = Number(match[1]);
  return { from, to: match[2] === undefined ? from : Number(match[2]), protocol: (match[3] ?? 'tcp').toLowerCase() };
}
