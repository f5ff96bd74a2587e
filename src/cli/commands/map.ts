import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';

/** The estate inputs `map` and `trace` share. */
export interface EstateOptionValues {
  /** `--config FILE`; false with `--no-config`; undefined: `./shipshape.yaml` when there is one. */
  config?: string | false;
  source: string[];
  registryReport: string[];
  /** `--host-report FILE`: host scan reports (`shipshape host scan -f json`). */
  hostReport: string[];
  manifests: string[];
  cluster: boolean;
  context?: string;
  kubeconfig?: string;
  namespace?: string[];
  k8sVersion?: string;
  allowedRegistries?: string[];
  output?: string;
  quiet: boolean;
}

export interface MapValues extends EstateOptionValues {
  format: 'table' | 'json' | 'mermaid' | 'dot';
}

export interface TraceValues extends EstateOptionValues {
  format: 'table' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addEstateOptions(command: Command): Command {
  return command
    .option('--config <file>', 'shipshape.yaml describing the estate (sources, registries, manifests, cluster) (default: ./shipshape.yaml when there is one)')
    .option('--no-config', 'do not read ./shipshape.yaml')
    .option('--source <dir>', 'a source tree: repositories with Dockerfiles and CI pipelines (repeatable)', collect, [])
    .option('--registry-report <file>', 'a registry scan report (shipshape registry scan -f json) (repeatable)', collect, [])
    .option('--host-report <file>', 'a host scan report (shipshape host scan -f json): the host, its engines and containers (repeatable)', collect, [])
    .option('--manifests <path>', 'Kubernetes manifests: a file, a directory, or - for standard input (repeatable)', collect, [])
    .option('--cluster', 'read the workloads and nodes of the live cluster of the kubeconfig', false)
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, else ~/.kube/config)')
    .option('-n, --namespace <name...>', 'live cluster: only these namespaces (default: all)')
    .option('--k8s-version <version>', 'Pod Security Standards version for the workloads (v1.N or latest)')
    .option('--allowed-registries <registry...>', 'registries workloads may pull from (host, host/path prefix, *.domain)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-q, --quiet', 'no progress display', false);
}

/** `shipshape map`: the lifecycle map of an estate, as a table, JSON, Mermaid or Graphviz DOT. */
export function mapCommand(io: CliIo, done: (code: number) => void): Command {
  return addEstateOptions(
    new Command('map').description(
      'map the container lifecycle: source → CI → parent registries → build → registries → orchestrator → hosts, with the breaks in the chain',
    ),
  )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'mermaid', 'dot']).default('table'))
    .action(async (values: MapValues) => {
      const { runMap } = await import('./map-run.js');
      done(await runMap(values, io));
    });
}

/** `shipshape trace <image-or-workload>`: one image or workload traced upstream and downstream. */
export function traceCommand(io: CliIo, done: (code: number) => void): Command {
  return addEstateOptions(
    new Command('trace')
      .description('trace an image or workload through the lifecycle: where it comes from (registry, pipeline, Dockerfile, parent image) and what runs it')
      .argument(
        '<image-or-workload>',
        'an image reference (registry.example.com/team/api:1.2, nginx), a workload (prod/Deployment/api, Deployment/api, api) or a map node id',
      ),
  )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (query: string, values: TraceValues) => {
      const { runTrace } = await import('./map-run.js');
      done(await runTrace(query, values, io));
    });
}
