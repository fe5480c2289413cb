import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { redactBrokerUrls, splitBrokerUrls } from './broker-urls';

/** The roles one process can play. `all` runs every role in one process (the embedded default). */
export const PROCESS_ROLES = ['all', 'api', 'ingest'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export const STORAGE_MODE_REQUESTS = ['auto', 'timescaledb', 'postgres'] as const;
export type StorageModeRequest = (typeof STORAGE_MODE_REQUESTS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable the platform reads, in one place. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ROLE: z.enum(PROCESS_ROLES).default('all'),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: port.default(3000),
  // behind a reverse proxy: take the client address from X-Forwarded-For (rate limits of the public page)
  TRUST_PROXY: boolish.default(false),
  // reads of a car's public page per client address and minute (phones behind one carrier NAT share one)
  PUBLIC_PAGE_READS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  // where passengers' phones reach the platform (the QR code in every car); the request's own URL when unset
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL')
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./.data'),
  // The built dashboard (npm run build puts it in dist/web); served at / by the api role.
  WEB_DIR: z.string().min(1).optional(),
  DOCUMENTS_DIR: z.string().min(1).optional(),
  DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  DOCUMENT_STORE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: port.default(54329),
  STORAGE_MODE: z.enum(STORAGE_MODE_REQUESTS).default('auto'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(12 * 3600),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  // scrypt cost for user passwords; OWASP's 2^17 by default. Lower only for tests.
  PASSWORD_SCRYPT_N: z.coerce
    .number()
    .int()
    .refine(
      (n) => n >= 2 ** 14 && n <= 2 ** 20 && (n & (n - 1)) === 0,
      'must be a power of two from 16384 to 1048576',
    )
    .default(2 ** 17),
  // Login throttling (per account and per client address; docs/operations.md "Sign-in throttling")
  LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_AFTER: z.coerce.number().int().min(2).max(1000).default(10),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOGIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).max(10_000).default(30),
  LOGIN_ADDRESS_LOCK_AFTER: z.coerce.number().int().min(2).max(100_000).default(100),
  // password checks (scrypt, ~128 MiB and ~0.2 s each) running at once, and waiting for a turn
  LOGIN_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  LOGIN_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  BUSINESS_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone').default('Asia/Shanghai'),
  RESCUE_CODE_PATTERN: z
    .string()
    .refine(isRegExp, 'must be a valid regular expression')
    .default('^[0-9]{5,6}$'),
  EMERGENCY_HOTLINE: z
    .string()
    .regex(/^[0-9+\- ]{3,20}$/, 'must be a phone number')
    .default('96333'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SEED_DEMO: boolish.default(false),
  MQTT_PORT: port.default(1884),
  MQTT_WS_PORT: port.default(8884),
  MQTT_HOST: z.string().min(1).default('0.0.0.0'),
  // one broker, or the nodes of a cluster comma-separated (clients fail over along the list)
  MQTT_URL: z
    .string()
    .refine(
      (v) =>
        splitBrokerUrls(v).length > 0 &&
        splitBrokerUrls(v).every((u) => /^(mqtts?|wss?|tcp):\/\/[^,\s]+$/.test(u)),
      'must be an mqtt://, mqtts://, ws:// or wss:// URL, or several comma-separated',
    )
    .optional(),
  MQTT_USERNAME: z.string().min(1).optional(),
  MQTT_PASSWORD: z.string().min(1).optional(),
  MQTT_SHARED_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('ingest'),
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  MQTT_CLEAN_SESSION: boolish.default(false),
  // Where the ingest role takes device messages from: an MQTT subscription (MQTT_URL), or a
  // RabbitMQ quorum queue over AMQP 0-9-1 (AMQP_URL) that the cluster fills from its MQTT plugin.
  INGEST_SOURCE: z.enum(['mqtt', 'amqp']).default('mqtt'),
  AMQP_URL: z
    .string()
    .refine(
      (v) => splitBrokerUrls(v).length > 0 && splitBrokerUrls(v).every((u) => /^amqps?:\/\/[^,\s]+$/.test(u)),
      'must be an amqp:// or amqps:// URL, or several comma-separated',
    )
    .optional(),
  AMQP_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,200}$/)
    .default('liftwatch.ingest'),
  // messages one worker holds unacknowledged (they are acknowledged after their commit)
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(65_535).default(2000),
  MQTT_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .max(1024 * 1024)
    .default(16 * 1024),
  MQTT_MAX_BATCH_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(512 * 1024),
  // socket.io Redis adapter: api replicas share live updates and room broadcasts through Redis.
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  // How an api replica disconnects a revoked device from an external broker: `takeover` connects
  // with the device's client id (every MQTT broker then drops the older connection), `emqx` calls
  // EMQX's HTTP API (DELETE /clients/{clientid}), `none` leaves it to the broker's own re-checks.
  BROKER_KICK: z.enum(['takeover', 'emqx', 'none']).default('takeover'),
  EMQX_API_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s):// URL, e.g. http://emqx:18083/api/v5')
    .optional(),
  EMQX_API_KEY: z.string().min(1).optional(),
  EMQX_API_SECRET: z.string().min(1).optional(),
  BROKER_HOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  INGEST_BATCH_ROWS: z.coerce.number().int().min(1).max(100_000).default(5000),
  INGEST_FLUSH_MS: z.coerce.number().int().min(1).max(10_000).default(25),
  INGEST_LANES: z.coerce.number().int().min(1).max(16).default(1),
  INGEST_DEVICE_WINDOW: z.coerce.number().int().min(1).max(1000).default(32),
  INGEST_MAX_PENDING_ROWS: z.coerce.number().int().min(1000).max(5_000_000).default(200_000),
  INGEST_LIVE_REFRESH_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  TELEMETRY_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(365).default(35),
  TELEMETRY_FUTURE_TOLERANCE_S: z.coerce.number().int().min(0).max(86_400).default(300),
  TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(400),
  ROLLUP_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(30),
  ALARM_ENTRAPMENT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  ALARM_OFFLINE_AFTER_S: z.coerce.number().int().min(5).max(86_400).default(90),
  ALARM_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(500),
  ALARM_ESCALATE_BEFORE_DEADLINE_S: z.coerce.number().int().min(0).max(3600).default(300),
  // An unacknowledged rescue alarm reaches the next contact of its escalation chain (the firm's
  // on-call list, its manager, the region's duty line) after each period of this length.
  ALARM_ACK_ESCALATE_S: z.coerce.number().int().min(5).max(3600).default(120),
  // How escalation text messages leave the platform: none (recorded as skipped), log (written to
  // the log, for demos), or http (a JSON POST to an SMS gateway or provider adapter).
  SMS_PROVIDER: z.enum(['none', 'log', 'http']).default('none'),
  SMS_HTTP_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s):// URL')
    .optional(),
  SMS_HTTP_TOKEN: z.string().min(1).optional(),
  SMS_SIGN_NAME: z.string().min(1).max(20).default('liftwatch'),
  // Webhook targets on loopback, private, link-local or other internal addresses are refused
  // (the platform must not be a way into its own network) unless this is set.
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolish.default(false),
});

export type Env = z.input<typeof envSchema>;

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  role: ProcessRole;
  http: {
    host: string;
    port: number;
    webDir: string;
    trustProxy: boolean;
    publicBaseUrl: string | undefined;
    publicPageReadsPerMinute: number;
  };
  database: {
    /** External server URL; undefined means the embedded PostgreSQL is used. */
    url: string | undefined;
    poolSize: number;
    embeddedPort: number;
    storageMode: StorageModeRequest;
  };
  dataDir: string;
  auth: {
    /** Secret. Undefined in development: the platform generates one under DATA_DIR. */
    jwtSecret: string | undefined;
    jwtTtlSeconds: number;
    adminPassword: string | undefined;
    /** scrypt N for new password hashes (r=8, p=1); older, cheaper hashes are upgraded at login. */
    passwordScryptN: number;
    login: {
      freeFailures: number;
      lockAfter: number;
      lockMinutes: number;
      addressFreeFailures: number;
      addressLockAfter: number;
      hashConcurrency: number;
      hashQueue: number;
    };
  };
  businessTimeZone: string;
  rescueCodePattern: string;
  /** The city's elevator emergency platform number, shown on the public page in every car. */
  emergencyHotline: string;
  log: { level: (typeof LOG_LEVELS)[number] };
  seedDemo: boolean;
  mqtt: {
    /** Embedded broker listeners (roles all). 0 disables the WebSocket listener. */
    host: string;
    port: number;
    wsPort: number;
    /** External broker for the ingest role; undefined means the embedded aedes broker. */
    url: string | undefined;
    username: string | undefined;
    /** Secret. */
    password: string | undefined;
    sharedGroup: string;
    /** Stable client id of this ingest worker, so its persistent session survives a restart. */
    clientId: string | undefined;
    cleanSession: boolean;
    maxPayloadBytes: number;
    maxBatchPayloadBytes: number;
    /** Secret shared with an external broker calling the auth/ACL HTTP hooks. */
    hookSecret: string | undefined;
    /**
     * The ingest role's source: the MQTT subscription, or a RabbitMQ quorum queue over AMQP
     * (urls: the cluster's nodes, tried in turn).
     */
    ingestSource: { kind: 'mqtt' } | { kind: 'amqp'; urls: string[]; queue: string; prefetch: number };
    /** how a revoked device is disconnected from an external broker */
    kick: 'takeover' | 'emqx' | 'none';
    /** EMQX management API (kick = emqx); the secret is secret */
    emqxApi: { url: string; key: string; secret: string } | null;
  };
  ingest: {
    batchRows: number;
    /** how long an idle lane waits for more rows before it writes */
    flushMs: number;
    maxPendingRows: number;
    /** write lanes: transactions in flight at once (an elevator always goes to the same lane) */
    lanes: number;
    /** QoS 1 messages of one connection taken in before their acknowledgement (embedded broker) */
    deviceWindow: number;
    /**
     * live-state rows whose shown fields did not change are written at most this late (ms; 0 =
     * with every batch); kept at most a quarter of the offline threshold
     */
    liveRefreshMs: number;
  };
  telemetry: { maxAgeDays: number; futureToleranceS: number; retentionDays: number; rollupIntervalS: number };
  alarms: {
    /** how long the entrapment condition must hold (device time) before it is an alarm */
    entrapmentSeconds: number;
    /** no message for this long (or a Last Will this old) makes a device offline */
    offlineAfterS: number;
    sweepMs: number;
    /** first escalation this long before the rescue deadline */
    escalateBeforeDeadlineS: number;
    /** an unacknowledged rescue alarm escalates to the next contact after each period of this length */
    ackEscalateS: number;
  };
  sms: {
    provider: 'none' | 'log' | 'http';
    /** provider http: where the JSON message is posted, with the token (secret) as a bearer */
    httpUrl: string | undefined;
    httpToken: string | undefined;
    signName: string;
  };
  /** Redis for the socket.io adapter (several api replicas); undefined: one api process alone. */
  redis: { url: string | undefined };
  webhooks: {
    /** deliver to loopback/private/link-local addresses (off: refused at creation and at sending) */
    allowPrivateTargets: boolean;
  };
  documents: {
    /** claim documents (photos, invoices, reports) in the embedded/local mode */
    dir: string;
    maxBytes: number;
    store: 'local' | 's3';
    /** S3-compatible object store (path-style URLs: MinIO, Ceph, OSS, COS, AWS) */
    s3: {
      endpoint: string;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
    } | null;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the whole environment at once and reports every bad variable in one error,
 * so an operator fixes the configuration in one go instead of one crash per variable.
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): AppConfig {
  // Empty strings mean "unset" (a common result of `FOO= npm start` or compose files).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    problems.push('JWT_SECRET: required when NODE_ENV=production');
  }
  if (e.ROLE === 'ingest' && e.INGEST_SOURCE === 'mqtt' && !e.MQTT_URL) {
    problems.push('MQTT_URL: required for ROLE=ingest (the ingest role alone consumes an external broker)');
  }
  if (e.INGEST_SOURCE === 'amqp' && !e.AMQP_URL) problems.push('AMQP_URL: required for INGEST_SOURCE=amqp');
  // Kicking is the api role's (the ingest role never revokes a device).
  if (e.BROKER_KICK === 'emqx' && e.ROLE !== 'ingest') {
    for (const key of ['EMQX_API_URL', 'EMQX_API_KEY', 'EMQX_API_SECRET'] as const) {
      if (!e[key]) problems.push(`${key}: required for BROKER_KICK=emqx`);
    }
  }
  if (e.SMS_PROVIDER === 'http' && !e.SMS_HTTP_URL)
    problems.push('SMS_HTTP_URL: required for SMS_PROVIDER=http');
  if (e.DOCUMENT_STORE === 's3') {
    for (const key of ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!e[key]) problems.push(`${key}: required for DOCUMENT_STORE=s3`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    role: e.ROLE,
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      trustProxy: e.TRUST_PROXY,
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      publicPageReadsPerMinute: e.PUBLIC_PAGE_READS_PER_MINUTE,
      webDir: e.WEB_DIR ? (isAbsolute(e.WEB_DIR) ? e.WEB_DIR : resolve(cwd, e.WEB_DIR)) : defaultWebDir(),
    },
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      embeddedPort: e.EMBEDDED_PG_PORT,
      storageMode: e.STORAGE_MODE,
    },
    dataDir: isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR),
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwtTtlSeconds: e.JWT_TTL_SECONDS,
      adminPassword: e.ADMIN_PASSWORD,
      passwordScryptN: e.PASSWORD_SCRYPT_N,
      login: {
        freeFailures: e.LOGIN_FREE_FAILURES,
        lockAfter: Math.max(e.LOGIN_LOCK_AFTER, e.LOGIN_FREE_FAILURES + 1),
        lockMinutes: e.LOGIN_LOCK_MINUTES,
        addressFreeFailures: e.LOGIN_ADDRESS_FREE_FAILURES,
        addressLockAfter: Math.max(e.LOGIN_ADDRESS_LOCK_AFTER, e.LOGIN_ADDRESS_FREE_FAILURES + 1),
        hashConcurrency: e.LOGIN_HASH_CONCURRENCY,
        hashQueue: e.LOGIN_HASH_QUEUE,
      },
    },
    businessTimeZone: e.BUSINESS_TIMEZONE,
    rescueCodePattern: e.RESCUE_CODE_PATTERN,
    emergencyHotline: e.EMERGENCY_HOTLINE,
    log: { level: e.LOG_LEVEL },
    seedDemo: e.SEED_DEMO,
    mqtt: {
      host: e.MQTT_HOST,
      port: e.MQTT_PORT,
      wsPort: e.MQTT_WS_PORT,
      url: e.MQTT_URL,
      username: e.MQTT_USERNAME,
      password: e.MQTT_PASSWORD,
      sharedGroup: e.MQTT_SHARED_GROUP,
      clientId: e.MQTT_CLIENT_ID,
      cleanSession: e.MQTT_CLEAN_SESSION,
      maxPayloadBytes: e.MQTT_MAX_PAYLOAD_BYTES,
      maxBatchPayloadBytes: e.MQTT_MAX_BATCH_PAYLOAD_BYTES,
      hookSecret: e.BROKER_HOOK_SECRET,
      ingestSource:
        e.INGEST_SOURCE === 'amqp' && e.AMQP_URL
          ? {
              kind: 'amqp',
              urls: splitBrokerUrls(e.AMQP_URL),
              queue: e.AMQP_QUEUE,
              prefetch: e.AMQP_PREFETCH,
            }
          : { kind: 'mqtt' },
      kick: e.BROKER_KICK,
      emqxApi:
        e.EMQX_API_URL && e.EMQX_API_KEY && e.EMQX_API_SECRET
          ? { url: e.EMQX_API_URL.replace(/\/+$/, ''), key: e.EMQX_API_KEY, secret: e.EMQX_API_SECRET }
          : null,
    },
    ingest: {
      batchRows: e.INGEST_BATCH_ROWS,
      flushMs: e.INGEST_FLUSH_MS,
      maxPendingRows: e.INGEST_MAX_PENDING_ROWS,
      lanes: e.INGEST_LANES,
      deviceWindow: e.INGEST_DEVICE_WINDOW,
      // Behind an external broker a shared subscription spreads one device's samples over several
      // workers, each knowing only the rows it wrote: every touch is written there by default.
      liveRefreshMs: Math.min(
        e.INGEST_LIVE_REFRESH_MS ?? (e.MQTT_URL || e.INGEST_SOURCE === 'amqp' ? 0 : 5000),
        Math.floor((e.ALARM_OFFLINE_AFTER_S * 1000) / 4),
      ),
    },
    telemetry: {
      maxAgeDays: e.TELEMETRY_MAX_AGE_DAYS,
      futureToleranceS: e.TELEMETRY_FUTURE_TOLERANCE_S,
      retentionDays: e.TELEMETRY_RETENTION_DAYS,
      rollupIntervalS: e.ROLLUP_INTERVAL_S,
    },
    alarms: {
      entrapmentSeconds: e.ALARM_ENTRAPMENT_SECONDS,
      offlineAfterS: e.ALARM_OFFLINE_AFTER_S,
      sweepMs: e.ALARM_SWEEP_MS,
      escalateBeforeDeadlineS: e.ALARM_ESCALATE_BEFORE_DEADLINE_S,
      ackEscalateS: e.ALARM_ACK_ESCALATE_S,
    },
    sms: {
      provider: e.SMS_PROVIDER,
      httpUrl: e.SMS_HTTP_URL,
      httpToken: e.SMS_HTTP_TOKEN,
      signName: e.SMS_SIGN_NAME,
    },
    redis: { url: e.REDIS_URL },
    webhooks: { allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS },
    documents: {
      dir: e.DOCUMENTS_DIR
        ? isAbsolute(e.DOCUMENTS_DIR)
          ? e.DOCUMENTS_DIR
          : resolve(cwd, e.DOCUMENTS_DIR)
        : resolve(isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR), 'documents'),
      maxBytes: e.DOCUMENT_MAX_BYTES,
      store: e.DOCUMENT_STORE,
      s3:
        e.DOCUMENT_STORE === 's3'
          ? {
              endpoint: e.S3_ENDPOINT ?? '',
              bucket: e.S3_BUCKET ?? '',
              region: e.S3_REGION,
              accessKeyId: e.S3_ACCESS_KEY_ID ?? '',
              secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? '',
            }
          : null,
    },
  };
}

/** A copy safe to log: secrets replaced. */
export function redactConfig(config: AppConfig): Record<string, unknown> {
  return {
    ...config,
    database: { ...config.database, url: redactUrl(config.database.url) },
    redis: { url: redactUrl(config.redis.url) },
    auth: {
      ...config.auth,
      jwtSecret: config.auth.jwtSecret ? '***' : undefined,
      adminPassword: config.auth.adminPassword ? '***' : undefined,
    },
    mqtt: {
      ...config.mqtt,
      url: config.mqtt.url === undefined ? undefined : redactBrokerUrls(config.mqtt.url),
      ingestSource:
        config.mqtt.ingestSource.kind === 'amqp'
          ? {
              ...config.mqtt.ingestSource,
              urls: config.mqtt.ingestSource.urls.map((u) => redactBrokerUrls(u)),
            }
          : config.mqtt.ingestSource,
      password: config.mqtt.password ? '***' : undefined,
      hookSecret: config.mqtt.hookSecret ? '***' : undefined,
      emqxApi: config.mqtt.emqxApi ? { ...config.mqtt.emqxApi, secret: '***' } : null,
    },
    sms: { ...config.sms, httpToken: config.sms.httpToken ? '***' : undefined },
    documents: {
      ...config.documents,
      s3: config.documents.s3 ? { ...config.documents.s3, secretAccessKey: '***' } : null,
    },
  };
}

/** The URL with its password (if any) replaced; a URL that does not parse is hidden whole. */
function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '***';
  }
}

/** dist/web of this checkout: next to the compiled platform, or under the repository root in dev/tests. */
function defaultWebDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(resolve(dir, 'package.json')) && existsSync(resolve(dir, 'apps')))
      return resolve(dir, 'dist', 'web');
    dir = resolve(dir, '..');
  }
  return resolve(process.cwd(), 'dist', 'web');
}
