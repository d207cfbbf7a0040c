import { ConfigError } from './parse-config';
import { loadObservabilityConfig } from './observability';

describe('loadObservabilityConfig', () => {
  it('creates spans without exporting them when no exporter or endpoint is set', () => {
    const config = loadObservabilityConfig('collector', {});
    expect(config.tracing).toMatchObject({
      enabled: true,
      serviceName: 'collector',
      sampler: { kind: 'parentbased_always_on', ratio: 1 },
      propagators: ['tracecontext', 'baggage'],
    });
    expect(config.tracing.otlp).toBeUndefined();
    expect(config.logHashKey).toBeUndefined();
  });

  it('exports over OTLP/HTTP to <endpoint>/v1/traces once an endpoint is set, with its headers', () => {
    const config = loadObservabilityConfig('scorer', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=shop',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    });
    expect(config.tracing.otlp).toEqual({
      url: 'http://otel-collector:4318/v1/traces',
      headers: { authorization: 'Bearer abc', 'x-tenant': 'traces' },
      timeoutMs: 2500,
    });
  });

  it('prefers the traces endpoint, and lets OTEL_TRACES_EXPORTER=none switch exporting off', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom/traces',
    };
    expect(loadObservabilityConfig('x', env).tracing.otlp?.url).toBe('http://b:4318/custom/traces');
    expect(
      loadObservabilityConfig('x', { ...env, OTEL_TRACES_EXPORTER: 'none' }).tracing.otlp,
    ).toBeUndefined();
    expect(loadObservabilityConfig('x', { OTEL_TRACES_EXPORTER: 'otlp' }).tracing.otlp?.url).toBe(
      'http://localhost:4318/v1/traces',
    );
  });

  it('reads the standard sampler, service name, resource attributes and propagators', () => {
    const config = loadObservabilityConfig('trainer', {
      OTEL_SERVICE_NAME: 'trainer-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,k8s.pod.name=trainer-0',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.05',
      OTEL_PROPAGATORS: 'tracecontext',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(config.tracing).toMatchObject({
      enabled: false,
      serviceName: 'trainer-eu',
      resourceAttributes: { 'deployment.environment.name': 'prod', 'k8s.pod.name': 'trainer-0' },
      sampler: { kind: 'parentbased_traceidratio', ratio: 0.05 },
      propagators: ['tracecontext'],
    });
  });

  it.each([
    ['OTEL_TRACES_EXPORTER', 'console'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_PROPAGATORS', 'b3'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'novalue'],
    ['LOG_HASH_KEY', 'short'],
  ])('refuses %s=%s at start-up, naming the variable', (variable, value) => {
    expect(() => loadObservabilityConfig('x', { [variable]: value })).toThrow(ConfigError);
    expect(() => loadObservabilityConfig('x', { [variable]: value })).toThrow(variable);
  });

  it('keeps the export batch within the queue', () => {
    const config = loadObservabilityConfig('x', {
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512',
    });
    expect(config.tracing.batch).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
  });
});
