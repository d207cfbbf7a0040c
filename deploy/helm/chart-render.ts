/**
 * Renders deploy/helm/recsys with the pinned helm (tools/helm.sh) and parses the manifests, for the chart
 * tests. Values are given as objects (written to a temporary values file) and/or values files.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { CHART_DIR, REPO } from './chart-env';

const run = promisify(execFile);

export const PRODUCTION_VALUES = join(CHART_DIR, 'ci', 'production-values.yaml');
export const RELEASE = 'recsys';
export const NAMESPACE = 'shop';

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown> & {
    capabilities?: { drop?: string[]; add?: string[] };
  };
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  volumes?: {
    name: string;
    emptyDir?: object;
    secret?: { secretName: string };
    configMap?: { name: string };
  }[];
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  spec?: unknown;
  data?: Record<string, string>;
}

let helmPath: Promise<string> | undefined;

/** The pinned helm binary (built from the Go module proxy on first use, then cached). */
export function helm(): Promise<string> {
  helmPath ??= run('bash', [join(REPO, 'tools/helm.sh')], { timeout: 15 * 60_000 }).then(
    ({ stdout }) => stdout.trim(),
  );
  return helmPath;
}

export interface RenderOptions {
  /** Values objects, applied after the files, in order. */
  values?: object[];
  valuesFiles?: string[];
  kubeVersion?: string;
  chartDir?: string;
}

async function helmTemplate(options: RenderOptions): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'recsys-chart-values-'));
  try {
    const files = [
      ...(options.valuesFiles ?? []),
      ...(options.values ?? []).map((values, index) => {
        const file = join(dir, `values-${index}.json`);
        writeFileSync(file, JSON.stringify(values));
        return file;
      }),
    ];
    const { stdout } = await run(
      await helm(),
      [
        'template',
        RELEASE,
        options.chartDir ?? CHART_DIR,
        '--namespace',
        NAMESPACE,
        '--kube-version',
        options.kubeVersion ?? '1.33.0',
        ...files.flatMap((file) => ['-f', file]),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const document of YAML.parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${String(document.errors[0])}`);
    const value = document.toJSON() as Manifest | null;
    if (value !== null && value !== undefined) manifests.push(value);
  }
  return manifests;
}

export async function render(options: RenderOptions = {}): Promise<Manifest[]> {
  return parseManifests(await helmTemplate(options));
}

/** The error output of a render that must fail (the test fails when it renders). */
export async function renderError(options: RenderOptions): Promise<string> {
  try {
    await helmTemplate(options);
  } catch (error) {
    const failure = error as { stderr?: string };
    return failure.stderr ?? String(error);
  }
  throw new Error('expected helm template to fail, but it rendered');
}

/**
 * NOTES.txt rendered as `helm install` would print it: helm template skips NOTES, so a copy of the chart
 * renders it through `tpl` inside a ConfigMap.
 */
export async function renderNotes(options: RenderOptions = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'recsys-chart-notes-'));
  try {
    const chart = join(dir, 'recsys');
    cpSync(CHART_DIR, chart, { recursive: true });
    cpSync(join(chart, 'templates/NOTES.txt'), join(chart, 'files/notes.txt'));
    writeFileSync(
      join(chart, 'templates/notes-for-tests.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-for-tests\ndata:\n' +
        '  notes: {{ tpl (.Files.Get "files/notes.txt") . | toJson }}\n',
    );
    const manifests = await render({ ...options, chartDir: chart });
    const notes = manifests.find((manifest) => manifest.metadata.name === 'notes-for-tests');
    return notes?.data?.['notes'] ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The spec of a manifest, typed as the test reading it expects it. */
export const specOf = <T>(manifest: Manifest): T => manifest.spec as T;

export interface Selector {
  matchLabels: Record<string, string>;
}
export interface DeploymentSpec {
  replicas?: number;
  selector: Selector;
  strategy?: { type: string };
  template: { spec: PodSpec };
}
export interface ScaledObjectSpec {
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: {
    type: string;
    metadata: Record<string, string>;
    authenticationRef?: { name: string };
  }[];
}
export interface NetworkPolicySpec {
  podSelector: Selector;
  policyTypes: string[];
  ingress: { from?: { podSelector?: Selector }[]; ports: unknown[] }[];
  egress: { ports?: { port: number | string }[] }[];
}

export const ofKind = (manifests: Manifest[], kind: string): Manifest[] =>
  manifests.filter((manifest) => manifest.kind === kind);

export function named(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find(
    (manifest) => manifest.kind === kind && manifest.metadata.name === name,
  );
  if (found === undefined) throw new Error(`no ${kind} ${name} rendered`);
  return found;
}

/** Every pod spec in the manifests: Deployments, Jobs and Pods (hooks and tests included). */
export function podSpecs(manifests: Manifest[]): { owner: string; pod: PodSpec }[] {
  return manifests.flatMap((manifest) => {
    const owner = `${manifest.kind}/${manifest.metadata.name}`;
    if (manifest.kind === 'Pod') return [{ owner, pod: manifest.spec as PodSpec }];
    const template = (manifest.spec as { template?: { spec?: PodSpec } } | undefined)?.template;
    return template?.spec === undefined ? [] : [{ owner, pod: template.spec }];
  });
}

/**
 * The kubelet's `$(NAME)` expansion of env values: a reference to a variable defined earlier in the list
 * becomes its value (`$$` escapes); unknown references stay as they are.
 */
export function expandEnv(
  env: EnvVar[],
  resolveRef: (variable: EnvVar) => string,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const variable of env) {
    const raw = variable.value ?? resolveRef(variable);
    resolved[variable.name] = raw.replace(
      /\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
      (match, name?: string) =>
        match === '$$'
          ? '$'
          : name !== undefined && name in resolved
            ? (resolved[name] ?? '')
            : match,
    );
  }
  return resolved;
}

/** Names referenced as `$(NAME)` by other variables: composition helpers, not settings. */
export function referencedNames(env: EnvVar[]): Set<string> {
  const names = new Set<string>();
  for (const variable of env) {
    for (const match of (variable.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
      names.add(match[1] ?? '');
    }
  }
  return names;
}
