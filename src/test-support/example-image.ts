import type { ImageSpec } from './image-builder.js';

/**
 * The bundled example image (`examples/demo-app.oci.tar`) that the README's quick start inspects:
 * a tiny app image whose history tells the usual story: a base layer, an app copied in, a
 * credentials file added and then "deleted" by a later layer (it still ships in layer 2).
 */
const apkInstalled = [
  'P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n',
  'P:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\nR:su\n',
  'P:zlib\nV:1.3-r2\nA:x86_64\nL:Zlib\no:zlib\n',
].join('\n');

export const exampleImageSpec: ImageSpec = {
  layers: [
    {
      createdBy: '/bin/sh -c #(nop) ADD file:3b2b4c0e1f in / ',
      items: [
        { name: 'etc/' },
        { name: 'etc/os-release', content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' },
        { name: 'etc/alpine-release', content: '3.19.1\n' },
        { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' },
        { name: 'bin/' },
        { name: 'bin/busybox', content: 'busybox stand-in\n', mode: 0o755 },
        { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
        { name: 'bin/su', content: 'su stand-in\n', mode: 0o4755 },
        { name: 'tmp/', mode: 0o1777 },
        { name: 'lib/apk/db/installed', content: apkInstalled },
      ],
    },
    {
      createdBy: '/bin/sh -c #(nop) COPY dir:9a8b7c6d5e in /app ',
      items: [
        { name: 'app/' },
        { name: 'app/package.json', content: '{"name":"demo-app","version":"1.0.0","dependencies":{"lodash":"4.17.15"}}\n' },
        { name: 'app/server.js', content: "require('lodash');\nconsole.log('hello');\n" },
        { name: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.15"}\n' },
      ],
    },
    {
      createdBy: '/bin/sh -c #(nop) COPY file:1f2e3d4c5b in /app/.env ',
      items: [{ name: 'app/.env', content: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' }],
    },
    {
      createdBy: '/bin/sh -c rm /app/.env && chmod 777 /app',
      compression: 'none',
      items: [{ name: 'app/', mode: 0o777 }, { name: 'app/.wh..env' }],
    },
  ],
  emptyHistoryAfter: { 3: ['/bin/sh -c #(nop)  ENV NODE_ENV=production', '/bin/sh -c #(nop)  EXPOSE 22 8080', '/bin/sh -c #(nop)  CMD ["node" "server.js"]'] },
  config: {
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production', 'API_TOKEN=example-not-a-real-token'],
      Cmd: ['node', 'server.js'],
      WorkingDir: '/app',
      ExposedPorts: { '22/tcp': {}, '8080/tcp': {} },
      Labels: { 'org.opencontainers.image.source': 'https://example.com/demo-app' },
    },
  },
};
