import { Command, Option } from 'commander';
import { parseExitCode } from '../flags.js';
import type { CliIo } from '../io.js';

export interface K8sCheckValues {
  level?: 'privileged' | 'baseline' | 'restricted';
  k8sVersion?: string;
  /** The old spelling of `--k8s-version`, still accepted (hidden). */
  version?: string;
  severity?: string;
  quiet: boolean;
  format: 'table' | 'json' | 'sarif';
  output?: string;
  exitCode: number;
  allowedRegistries?: string[];
  cluster: boolean;
  kubeconfig?: string;
  context?: string;
  inCluster: boolean;
  namespace?: string[];
}

/** `shipshape k8s check <path...>`: Pod Security Standards, exactly as the admission controller applies them. */
export function k8sCommand(io: CliIo, done: (code: number) => void): Command {
  const check = new Command('check')
    .description('check Kubernetes manifests: the Pod Security Standards (per version, as pod-security-admission does) and workload hardening rules')
    .argument('[path...]', 'YAML/JSON files, directories (recursive), or - for standard input (e.g. helm template ... | shipshape k8s check -)')
    .option('--cluster', 'read the objects from the live cluster of the kubeconfig instead of (or as well as) files', false)
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--in-cluster', 'use the service account of the pod Shipshape runs in', false)
    .option('-n, --namespace <name...>', 'live cluster: only these namespaces (default: all)')
    .addOption(
      new Option('--level <level>', "Pod Security Standards level (default: each namespace's enforce label, else restricted)").choices([
        'privileged',
        'baseline',
        'restricted',
      ]),
    )
    .option('--k8s-version <version>', "Pod Security Standards version: v1.N or latest (default: each namespace's enforce-version label, else latest)")
    .addOption(new Option('--version <version>', 'the old spelling of --k8s-version').hideHelp())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('--allowed-registries <registry...>', 'registries workloads may pull from (host, host/path prefix, *.domain)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-s, --severity <levels>', 'report only findings of these severities (comma-separated; a denial by the Pod Security Standards is HIGH)')
    .option('-q, --quiet', 'no progress display', false)
    .option(
      '--exit-code <n>',
      'exit with this code when any (reported) object would be denied or any (reported) workload rule finds something',
      parseExitCode,
      0,
    )
    .action(async (paths: string[], values: K8sCheckValues) => {
      const { runK8sCheck } = await import('./k8s-run.js');
      done(await runK8sCheck(paths, values, io));
    });
  return new Command('k8s').description('Kubernetes workloads (run phase)').addCommand(check);
}
