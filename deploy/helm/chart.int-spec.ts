/**
 * The Helm chart's policies, checked on what `helm template` renders (tools/chart-check.sh runs lint and
 * the schema validation of every manifest): restricted pods, probes, resources, availability, network
 * isolation, autoscaling bounded by partitions, the topic Job, and environment variables that the
 * services' own configuration code knows and accepts.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGroupIdOf, loadObservabilityConfig, type EnvSource } from '@recsys/config';
import { physicalTopicName, topicNames } from '@recsys/contracts';
import { imageUser } from '../docker/dockerfile';
import {
  CHART_DIR,
  CHART_SERVICES,
  REPO,
  RUNTIME_ENV,
  knownEnvNames,
  readSchema,
  schemaEnvNames,
  tunableEnvNames,
  type ChartService,
} from './chart-env';
import {
  NAMESPACE,
  PRODUCTION_VALUES,
  expandEnv,
  named,
  ofKind,
  podSpecs,
  referencedNames,
  render,
  renderError,
  renderNotes,
  specOf,
  type Container,
  type DeploymentSpec,
  type EnvVar,
  type Manifest,
  type NetworkPolicySpec,
  type PodSpec,
  type ScaledObjectSpec,
  type Selector,
} from './chart-render';

const production = { valuesFiles: [PRODUCTION_VALUES] };
const name = (component: string) => `recsys-${component}`;

let defaults: Manifest[];
let prod: Manifest[];
beforeAll(async () => {
  [defaults, prod] = await Promise.all([render(), render(production)]);
}, 15 * 60_000);

const configurations = () => [
  { label: 'default values', manifests: defaults },
  { label: 'production values', manifests: prod },
];

const deploymentOf = (manifests: Manifest[], service: string) =>
  named(manifests, 'Deployment', name(service));
const deploymentSpecOf = (manifests: Manifest[], service: string) =>
  specOf<DeploymentSpec>(deploymentOf(manifests, service));
const podOf = (manifests: Manifest[], service: string): PodSpec =>
  deploymentSpecOf(manifests, service).template.spec;
const containerOf = (manifests: Manifest[], service: string): Container => {
  const [container] = podOf(manifests, service).containers;
  if (container === undefined) throw new Error(`${service} has no container`);
  return container;
};

describe('names and labels', () => {
  it.each(['default values', 'production values'])(
    'every object carries the standard labels (%s)',
    (label) => {
      const manifests = label === 'default values' ? defaults : prod;
      for (const manifest of manifests.filter((m) => m.metadata.name !== 'notes-for-tests')) {
        expect({
          object: `${manifest.kind}/${manifest.metadata.name}`,
          ...manifest.metadata.labels,
        }).toMatchObject({
          'app.kubernetes.io/name': 'recsys',
          'app.kubernetes.io/instance': 'recsys',
          'app.kubernetes.io/managed-by': 'Helm',
          'helm.sh/chart': expect.stringMatching(/^recsys-\d+\.\d+\.\d+/),
        });
      }
    },
  );

  it('deploys the five services, each with its component label and a Service on its HTTP port', () => {
    for (const service of CHART_SERVICES) {
      const deployment = deploymentSpecOf(defaults, service);
      expect(deployment.selector.matchLabels['app.kubernetes.io/component']).toBe(service);
      const [port] = specOf<{ ports: object[] }>(named(defaults, 'Service', name(service))).ports;
      expect(port).toMatchObject({ name: 'http', targetPort: 'http' });
    }
  });
});

describe('pod security (restricted Pod Security Standard)', () => {
  const { uid, gid } = imageUser();

  it.each(['default values', 'production values'])(
    'every pod and container of %s is restricted, as the image user, with /tmp as the only writable path',
    (label) => {
      const manifests = label === 'default values' ? defaults : prod;
      const pods = podSpecs(manifests);
      expect(pods.length).toBeGreaterThanOrEqual(7);
      for (const { owner, pod } of pods) {
        expect({ owner, automount: pod.automountServiceAccountToken }).toEqual({
          owner,
          automount: false,
        });
        expect({ owner, ...pod.securityContext }).toMatchObject({
          runAsNonRoot: true,
          runAsUser: uid,
          runAsGroup: gid,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        const tmp = pod.volumes?.find((volume) => volume.name === 'tmp');
        expect({ owner, tmp: tmp?.emptyDir !== undefined }).toEqual({ owner, tmp: true });
        for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
          expect({ owner, ...container.securityContext }).toMatchObject({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(container.securityContext?.capabilities?.add).toBeUndefined();
          expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        }
      }
    },
  );

  it('the ServiceAccount mounts no token and nothing is bound to it', () => {
    const account = named(defaults, 'ServiceAccount', 'recsys') as Manifest & {
      automountServiceAccountToken?: boolean;
    };
    expect(account.automountServiceAccountToken).toBe(false);
    expect(defaults.filter((m) => /Role/.test(m.kind))).toEqual([]);
  });
});

describe('probes and resources', () => {
  it.each(CHART_SERVICES)(
    '%s: startup, liveness and readiness probes on the health endpoints',
    (service) => {
      for (const { manifests } of configurations()) {
        const container = containerOf(manifests, service);
        expect(container.ports).toContainEqual(expect.objectContaining({ name: 'http' }));
        expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      }
    },
  );

  it.each(['trainer', 'scorer'])(
    '%s gets minutes to load its model and window before liveness applies',
    (service) => {
      const probe = containerOf(defaults, service).startupProbe;
      expect((probe?.periodSeconds ?? 0) * (probe?.failureThreshold ?? 0)).toBeGreaterThanOrEqual(
        180,
      );
    },
  );

  it('every container has CPU and memory requests and limits', () => {
    for (const { manifests } of configurations()) {
      for (const { owner, pod } of podSpecs(manifests)) {
        for (const container of pod.containers) {
          expect({
            owner,
            requests: Object.keys(container.resources?.requests ?? {}).sort(),
          }).toEqual({
            owner,
            requests: ['cpu', 'memory'],
          });
          expect({ owner, limits: Object.keys(container.resources?.limits ?? {}).sort() }).toEqual({
            owner,
            limits: ['cpu', 'memory'],
          });
        }
      }
    }
  });
});

describe('availability and scaling', () => {
  it('has a PodDisruptionBudget selecting each replicated service, and the trainer runs alone', () => {
    for (const service of ['collector', 'preprocessor', 'scorer']) {
      const pdb = specOf<{ selector: Selector; maxUnavailable: number }>(
        named(prod, 'PodDisruptionBudget', name(service)),
      );
      expect(pdb.selector.matchLabels).toEqual(
        deploymentSpecOf(prod, service).selector.matchLabels,
      );
      expect(pdb.maxUnavailable).toBe(1);
    }
    const trainer = deploymentOf(prod, 'trainer');
    expect(trainer.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });

  it('scales the collector on CPU with an HPA, and leaves replicas to the autoscaler', () => {
    const hpa = named(prod, 'HorizontalPodAutoscaler', name('collector'));
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: name('collector') },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }],
    });
    expect(deploymentSpecOf(prod, 'collector').replicas).toBeUndefined();
  });

  it('scales consumers on the lag of their real consumer groups, never beyond the partitions', () => {
    const prefix = 'prod';
    const expected = {
      preprocessor: {
        group: defaultGroupIdOf(prefix, 'preprocessor'),
        topic: 'events.raw.v1' as const,
      },
      scorer: {
        group: `${defaultGroupIdOf(prefix, 'scorer')}.requests`,
        topic: 'recommendations.requests.v1' as const,
      },
    };
    for (const [service, source] of Object.entries(expected)) {
      const scaled = specOf<ScaledObjectSpec>(named(prod, 'ScaledObject', name(service)));
      const lag = scaled.triggers.find((trigger) => trigger.type === 'kafka');
      expect(lag?.metadata).toMatchObject({
        consumerGroup: source.group,
        topic: physicalTopicName(source.topic, prefix),
        bootstrapServers:
          'kafka-0.kafka.data.svc:9093,kafka-1.kafka.data.svc:9093,kafka-2.kafka.data.svc:9093',
        tls: 'enable',
        sasl: 'scram_sha512',
      });
      expect(scaled.maxReplicaCount).toBeLessThanOrEqual(12);
      expect(lag?.authenticationRef?.name).toBe(name(service));
      const auth = specOf<{ secretTargetRef: object[] }>(
        named(prod, 'TriggerAuthentication', name(service)),
      );
      expect(auth.secretTargetRef).toEqual(
        expect.arrayContaining([
          { parameter: 'password', name: 'recsys-kafka-user', key: 'password' },
          { parameter: 'ca', name: 'recsys-kafka-ca', key: 'ca.crt' },
        ]),
      );
      // KEDA owns the HPA of a ScaledObject's target: the chart must not render a second one.
      expect(ofKind(prod, 'HorizontalPodAutoscaler').map((m) => m.metadata.name)).not.toContain(
        name(service),
      );
    }
  });

  it('refuses to render a KEDA maximum above the topic partitions', async () => {
    const error = await renderError({
      ...production,
      values: [{ preprocessor: { autoscaling: { maxReplicas: 13 } } }],
    });
    expect(error).toMatch(
      /preprocessor\.autoscaling\.maxReplicas \(13\) is more than the 12 partitions of events\.raw\.v1/,
    );
    const scorer = await renderError({
      ...production,
      values: [{ topics: { overrides: { 'recommendations.requests.v1': { partitions: 4 } } } }],
    });
    expect(scorer).toMatch(
      /scorer\.autoscaling\.maxReplicas \(12\) is more than the 4 partitions of recommendations\.requests\.v1/,
    );
  });

  it('refuses KEDA scaling without KEDA, and a CPU-scaled preprocessor beyond the partitions', async () => {
    expect(
      await renderError({
        values: [{ preprocessor: { autoscaling: { keda: { enabled: true } } } }],
      }),
    ).toMatch(/needs keda\.enabled=true/);
    expect(
      await renderError({
        values: [{ preprocessor: { autoscaling: { enabled: true, maxReplicas: 7 } } }],
      }),
    ).toMatch(/more than the 6 partitions/);
  });
});

describe('network policies', () => {
  it('each service accepts only its HTTP port and reaches only Kafka, Redis and DNS', () => {
    for (const service of CHART_SERVICES) {
      const policy = specOf<NetworkPolicySpec>(named(prod, 'NetworkPolicy', name(service)));
      expect(policy.podSelector.matchLabels).toEqual(
        deploymentSpecOf(prod, service).selector.matchLabels,
      );
      expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
      for (const rule of policy.ingress) {
        expect(rule.from?.length).toBeGreaterThan(0);
        expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
      }
      const egressPorts = policy.egress.flatMap(
        (rule) => rule.ports?.map((port) => port.port) ?? [],
      );
      const allowed: (number | string)[] = [
        9093,
        6380,
        53,
        4318,
        ...(service === 'console' ? [3004] : []),
      ];
      expect(egressPorts.every((port) => allowed.includes(port))).toBe(true);
      expect(egressPorts).toEqual(expect.arrayContaining([9093, 6380, 53]));
    }
  });

  it('without configured sources, nothing outside the release reaches the services', async () => {
    const manifests = await render({ values: [{ networkPolicy: { ingressFrom: [] } }] });
    const policy = specOf<NetworkPolicySpec>(named(manifests, 'NetworkPolicy', name('collector')));
    expect(policy.ingress).toHaveLength(1);
    expect(policy.ingress[0]?.from?.[0]?.podSelector?.matchLabels['recsys.io/client']).toBe('true');
  });
});

describe('values.schema.json', () => {
  it.each([
    [
      'a misspelt service setting',
      { collector: { env: { COLLECTOR_MAX_BATCH_EVENT: 10 } } },
      /COLLECTOR_MAX_BATCH_EVENT/,
    ],
    ['a setting the chart manages', { scorer: { env: { KAFKA_BROKERS: 'x:1' } } }, /KAFKA_BROKERS/],
    [
      'a writable root filesystem',
      { containerSecurityContext: { readOnlyRootFilesystem: false } },
      /readOnlyRootFilesystem/,
    ],
    ['running as root', { podSecurityContext: { runAsNonRoot: false } }, /runAsNonRoot/],
    ['a broker without a port', { kafka: { brokers: ['kafka'] } }, /brokers/],
    [
      'an unknown topic',
      { topics: { overrides: { 'events.raw.v2': { partitions: 3 } } } },
      /events\.raw\.v2/,
    ],
    ['an unknown key', { colector: { enabled: true } }, /colector/],
    ['two trainers', { trainer: { replicaCount: 2 } }, /replicaCount/],
    [
      'a container without a memory limit',
      { scorer: { resources: { limits: { memory: null } } } },
      /memory/,
    ],
    ['a short admin token', { secrets: { values: { adminToken: 'short' } } }, /adminToken/],
  ])('rejects %s', async (_case, values, message) => {
    const error = await renderError({ values: [values] });
    expect(error).toMatch(/values don't meet the specifications of the schema|schema/);
    expect(error).toMatch(message);
  });

  it('lists exactly the settings each service reads and the chart does not set (deploy/helm/chart-env.ts)', () => {
    const schema = readSchema();
    for (const service of CHART_SERVICES) {
      expect({ service, env: schemaEnvNames(schema, service) }).toEqual({
        service,
        env: tunableEnvNames(service),
      });
    }
  });

  it('lists exactly the registry topics as topic overrides', () => {
    const schema = JSON.parse(JSON.stringify(readSchema())) as {
      properties: { topics: { properties: { overrides: { propertyNames: { enum: string[] } } } } };
    };
    expect([...schema.properties.topics.properties.overrides.propertyNames.enum].sort()).toEqual(
      [...topicNames].sort(),
    );
  });
});

/** What the kubelet would hand the container: secrets and field references replaced by test values. */
function resolvedEnv(container: Container): Record<string, string> {
  return expandEnv(container.env ?? [], (variable: EnvVar) => {
    if (variable.valueFrom?.fieldRef !== undefined) return 'recsys-console-5c9d8f7b6-x2k4p';
    if (variable.name === 'COLLECTOR_WRITE_KEYS') {
      return JSON.stringify([{ storefront: 'shop', key: 'chart-test-write-key-0123456789' }]);
    }
    if (variable.name === 'OTEL_EXPORTER_OTLP_HEADERS') return 'authorization=Bearer%20abc';
    return 'chart-test-secret-0123456789';
  });
}

type ConfigLoader = (env: EnvSource) => unknown;

async function configLoader(service: ChartService): Promise<ConfigLoader> {
  const module = (await import(join(REPO, 'apps', service, 'src', 'config.ts'))) as Record<
    string,
    unknown
  >;
  const loader = module[`load${service[0]?.toUpperCase() ?? ''}${service.slice(1)}Config`];
  if (typeof loader !== 'function')
    throw new Error(`apps/${service}/src/config.ts has no config loader`);
  return loader as ConfigLoader;
}

describe('environment variables', () => {
  it.each(CHART_SERVICES)(
    '%s: every variable the chart sets is one its configuration reads',
    (service) => {
      const known = knownEnvNames(service);
      for (const { label, manifests } of configurations()) {
        const env = containerOf(manifests, service).env ?? [];
        const helpers = referencedNames(env);
        const unknown = env
          .map((variable) => variable.name)
          .filter((variableName) => !known.has(variableName) && !helpers.has(variableName))
          .filter((variableName) => !(RUNTIME_ENV as readonly string[]).includes(variableName));
        expect({ label, unknown }).toEqual({ label, unknown: [] });
        expect(new Set(env.map((variable) => variable.name)).size).toBe(env.length);
      }
    },
  );

  it.each(CHART_SERVICES)(
    '%s: its own configuration code accepts what the chart sets (all required ones set)',
    async (service) => {
      const load = await configLoader(service);
      for (const { manifests } of configurations()) {
        const env = resolvedEnv(containerOf(manifests, service));
        expect(() => load(env)).not.toThrow();
        expect(() => loadObservabilityConfig(service, env)).not.toThrow();
      }
    },
  );

  it.each(CHART_SERVICES)(
    '%s: listens on every interface of its pod (services bind 127.0.0.1 unless told)',
    async (service) => {
      const load = await configLoader(service);
      for (const { label, manifests } of configurations()) {
        const config = load(resolvedEnv(containerOf(manifests, service))) as {
          http: { host: string };
        };
        expect({ label, host: config.http.host }).toEqual({ label, host: '0.0.0.0' });
      }
    },
  );

  it('composes the Redis URL with the ACL user and the password from its Secret, over TLS', () => {
    const container = containerOf(prod, 'scorer');
    const password = container.env?.find((variable) => variable.name === 'RECSYS_REDIS_PASSWORD');
    expect(password?.valueFrom?.secretKeyRef).toEqual({
      name: 'recsys-redis-user',
      key: 'password',
    });
    expect(resolvedEnv(container)['REDIS_URL']).toBe(
      'rediss://recsys:chart-test-secret-0123456789@redis.data.svc:6380/0',
    );
  });

  it('connects to an existing Redis Cluster: seed nodes to every service, egress to their ports', async () => {
    const nodes = ['redis-cluster-0.redis:6379', 'redis-cluster-1.redis:6390'];
    const manifests = await render({ ...production, values: [{ redis: { clusterNodes: nodes } }] });
    for (const service of CHART_SERVICES) {
      const env = resolvedEnv(containerOf(manifests, service));
      expect({ service, nodes: env['REDIS_CLUSTER_NODES'] }).toEqual({
        service,
        nodes: nodes.join(','),
      });
      // Credentials and TLS for every node still come from REDIS_URL.
      expect(env['REDIS_URL']).toMatch(/^rediss:\/\/recsys:/);
      const policy = specOf<NetworkPolicySpec>(named(manifests, 'NetworkPolicy', name(service)));
      const egressPorts = policy.egress.flatMap(
        (rule) => rule.ports?.map((port) => port.port) ?? [],
      );
      expect(egressPorts).toEqual(expect.arrayContaining([6379, 6390]));
    }
    expect(resolvedEnv(containerOf(prod, 'scorer'))['REDIS_CLUSTER_NODES']).toBeUndefined();
  });

  it('trusts the Kafka/Redis CA through NODE_EXTRA_CA_CERTS from the mounted CA Secret', () => {
    const pod = podOf(prod, 'preprocessor');
    const container = containerOf(prod, 'preprocessor');
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({
        name: 'ca',
        secret: expect.objectContaining({ secretName: 'recsys-kafka-ca' }),
      }),
    );
    const mount = container.volumeMounts?.find((volume) => volume.name === 'ca');
    expect(resolvedEnv(container)['NODE_EXTRA_CA_CERTS']).toBe(`${mount?.mountPath}/ca.crt`);
  });

  it('refuses two different CA secrets (Node trusts one extra CA file)', async () => {
    const error = await renderError({
      ...production,
      values: [{ redis: { tls: { caSecret: { name: 'other-ca', key: 'ca.crt' } } } }],
    });
    expect(error).toMatch(/Node trusts one extra CA file/);
  });

  it('takes every secret from the referenced Secret, and creates none itself in production', () => {
    expect(ofKind(prod, 'Secret')).toEqual([]);
    for (const service of CHART_SERVICES) {
      for (const variable of containerOf(prod, service).env ?? []) {
        expect({
          name: variable.name,
          secretLike:
            /SECRET|TOKEN|PASSWORD|WRITE_KEYS|HASH_KEY|HEADERS/.test(variable.name) &&
            variable.value !== undefined,
        }).toEqual({
          name: variable.name,
          secretLike: false,
        });
      }
    }
    const admin = containerOf(prod, 'scorer').env?.find(
      (variable) => variable.name === 'ADMIN_TOKEN',
    );
    expect(admin?.valueFrom?.secretKeyRef).toEqual({ name: 'recsys-platform', key: 'admin-token' });
  });

  it('gives each console replica its own consumer group (it counts every partition)', () => {
    const env = resolvedEnv(containerOf(prod, 'console'));
    expect(env['CONSOLE_GROUP_ID']).toBe('prod.console.recsys-console-5c9d8f7b6-x2k4p');
    expect(env['SCORER_URL']).toBe('http://recsys-scorer:3004');
  });
});

describe('topic Job', () => {
  const job = () => named(prod, 'Job', 'recsys-topics');

  it('runs `recsys topics ensure` from the cli image before install and upgrade', () => {
    expect(job().metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    const [container] = specOf<DeploymentSpec>(job()).template.spec.containers;
    expect(container?.image).toBe('registry.example.com/recsys/cli:0.1.0');
    expect(container?.args).toEqual([
      'topics',
      'ensure',
      '--spec',
      '/etc/recsys/topics/topics.json',
    ]);
    const spec = named(prod, 'ConfigMap', 'recsys-topics');
    expect(Number(spec.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(
      Number(job().metadata.annotations?.['helm.sh/hook-weight']),
    );
  });

  it('passes a spec the command accepts: every topic with the configured partitions and replication', async () => {
    const command = (await import(join(REPO, 'apps/cli/src/commands/topics.command.ts'))) as {
      desiredTopics: (
        spec: unknown,
        overrides: object,
      ) => {
        topic: string;
        partitions: number;
        replicationFactor: number;
        configs: Record<string, string>;
      }[];
    };
    const spec = JSON.parse(
      named(prod, 'ConfigMap', 'recsys-topics').data?.['topics.json'] ?? '{}',
    ) as unknown;
    const topics = command.desiredTopics({ defaults: {}, topics: {}, ...(spec as object) }, {});
    const raw = topics.find((topic) => topic.topic === 'events.raw.v1');
    expect(raw).toMatchObject({
      partitions: 12,
      replicationFactor: 3,
      configs: { 'retention.ms': '1209600000', 'min.insync.replicas': '2' },
    });
    expect(topics.every((topic) => topic.replicationFactor === 3)).toBe(true);
  });

  it('connects with only the Kafka settings the cli reads', () => {
    const known = knownEnvNames('cli');
    const [container] = specOf<DeploymentSpec>(job()).template.spec.containers;
    const names = (container?.env ?? []).map((variable) => variable.name);
    expect(
      names.filter(
        (variableName) =>
          !known.has(variableName) && !(RUNTIME_ENV as readonly string[]).includes(variableName),
      ),
    ).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        'KAFKA_BROKERS',
        'KAFKA_SSL',
        'KAFKA_SASL_PASSWORD',
        'KAFKA_TOPIC_PREFIX',
      ]),
    );
  });

  it('lets the services create topics themselves when the Job is off', async () => {
    const manifests = await render({ values: [{ topics: { create: false } }] });
    expect(ofKind(manifests, 'Job')).toEqual([]);
    const env = resolvedEnv(containerOf(manifests, 'collector'));
    expect(env).toMatchObject({ KAFKA_CREATE_TOPICS: 'true', KAFKA_TOPIC_PARTITIONS: '6' });
  });
});

describe('secrets, dashboards, metrics and notes', () => {
  it('creates a development Secret with every key when asked', () => {
    const secret = named(defaults, 'Secret', 'recsys-secrets');
    expect(Object.keys(secret.data ?? {}).sort()).toEqual([
      'admin-token',
      'collector-write-keys',
      'log-hash-key',
      'privacy-tombstone-secret',
      'pseudonymisation-secret',
    ]);
    const writeKeys = JSON.parse(
      Buffer.from(secret.data?.['collector-write-keys'] ?? '', 'base64').toString(),
    ) as { key: string }[];
    expect(writeKeys[0]?.key.length).toBeGreaterThanOrEqual(16);
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('ships every files/dashboards/*.json in a ConfigMap the Grafana sidecar picks up', async () => {
    const chart = mkdtempSync(join(tmpdir(), 'recsys-chart-dashboards-'));
    try {
      cpSync(CHART_DIR, chart, { recursive: true });
      const dashboard = {
        title: 'recsys test',
        panels: [{ type: 'timeseries', title: 'events/s' }],
      };
      writeFileSync(join(chart, 'files/dashboards/zz-test.json'), JSON.stringify(dashboard));
      const manifests = await render({ chartDir: chart });
      const configMap = named(manifests, 'ConfigMap', 'recsys-dashboards');
      expect(configMap.metadata.labels?.['grafana_dashboard']).toBe('1');
      expect(JSON.parse(configMap.data?.['zz-test.json'] ?? '{}')).toEqual(dashboard);
      const shipped = readdirSync(join(CHART_DIR, 'files/dashboards')).filter((file) =>
        file.endsWith('.json'),
      );
      expect(Object.keys(configMap.data ?? {}).sort()).toEqual([...shipped, 'zz-test.json'].sort());
      for (const json of Object.values(configMap.data ?? {}))
        expect(() => JSON.parse(json) as unknown).not.toThrow();
      const off = await render({ chartDir: chart, values: [{ dashboards: { enabled: false } }] });
      expect(off.filter((m) => m.metadata.name === 'recsys-dashboards')).toEqual([]);
    } finally {
      rmSync(chart, { recursive: true, force: true });
    }
  });

  it('scrapes /metrics of every service with one ServiceMonitor', () => {
    const monitor = specOf<{ endpoints: object[]; selector: Selector }>(
      named(prod, 'ServiceMonitor', 'recsys'),
    );
    expect(monitor.endpoints).toEqual([
      expect.objectContaining({ port: 'http', path: '/metrics' }),
    ]);
    for (const service of CHART_SERVICES) {
      const labels = named(prod, 'Service', name(service)).metadata.labels ?? {};
      expect(labels).toMatchObject(monitor.selector.matchLabels);
    }
  });

  it('prints every service endpoint in NOTES.txt, and no secret', async () => {
    const notes = await renderNotes(production);
    for (const service of CHART_SERVICES) {
      expect(notes).toContain(`http://recsys-${service}.${NAMESPACE}.svc:`);
    }
    expect(notes).toContain('https://events.shop.example.com/');
    expect(notes).toContain('rediss://recsys:****@redis.data.svc:6380/0');
    expect(notes).not.toMatch(/RECSYS_REDIS_PASSWORD/);
  });
});
