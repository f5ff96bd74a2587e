import { describe, expect, it } from 'vitest';
import { pathRootsOf, relativeText, withRelativePaths } from './paths.js';

describe('paths relative to the estate (no absolute path of the machine that read it)', () => {
  const roots = pathRootsOf({
    config: '/home/ann/shop/shipshape.yaml',
    sources: ['/home/ann/shop/repos', '/srv/mono'],
    workloads: ['/home/ann/shop/k8s', '/etc/deploy'],
  });

  it('writes paths inside a source root as the map names them, the rest relative to the config folder', () => {
    expect(relativeText('/home/ann/shop/repos/payments-api/Dockerfile:2', roots)).toBe('payments-api/Dockerfile:2');
    expect(relativeText('/srv/mono/api/Jenkinsfile', roots)).toBe('api/Jenkinsfile');
    expect(relativeText('/home/ann/shop/k8s/prod.yaml:114', roots)).toBe('k8s/prod.yaml:114');
    expect(relativeText('/home/ann/shop/shipshape.yaml', roots)).toBe('shipshape.yaml');
    // a manifest folder outside the config folder keeps its own name
    expect(relativeText('/etc/deploy/web.yaml:3', roots)).toBe('deploy/web.yaml:3');
  });

  it('names a root alone by its folder, and rewrites paths inside longer text', () => {
    expect(relativeText('read from /home/ann/shop/repos and /srv/mono', roots)).toBe('read from repos and mono');
    expect(relativeText('no admission controller among the objects of /home/ann/shop/k8s', roots)).toBe('no admission controller among the objects of k8s');
    // a sibling whose name merely starts like a root is left alone
    expect(relativeText('/home/ann/shop/repos-old/x', roots)).toBe('repos-old/x');
    expect(relativeText('/home/ann/shopping/x', roots)).toBe('/home/ann/shopping/x');
  });

  it('needs nothing for relative inputs, and copies JSON-like values with every string rewritten, keys kept', () => {
    expect(pathRootsOf({ config: 'estate/shipshape.yaml', sources: ['src/apps'], workloads: ['k8s/prod'] })).toEqual([]);
    const value = { where: '/home/ann/shop/k8s/a.yaml:1', list: ['/srv/mono/b', 3, null], '/home/ann/shop/key': true };
    expect(withRelativePaths(value, roots)).toEqual({ where: 'k8s/a.yaml:1', list: ['b', 3, null], '/home/ann/shop/key': true });
    // a change's patch stays as it is: its paths are relative already, and its lines are the file's (a copied patch must apply)
    const patch = 'diff --git a/k8s/a.yaml b/k8s/a.yaml\n--- a/k8s/a.yaml\n+++ b/k8s/a.yaml\n@@ -1 +1 @@\n-path: /home/ann/shop/k8s/x\n+path: /srv/mono/y\n';
    expect(withRelativePaths({ change: { file: '/home/ann/shop/k8s/a.yaml', patch } }, roots)).toEqual({ change: { file: 'k8s/a.yaml', patch } });
  });
});
