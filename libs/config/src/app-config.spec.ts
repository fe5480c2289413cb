import { ConfigError, loadConfig, redactConfig } from './app-config';

describe(loadConfig.name, () => {
  it('should give working defaults for the embedded mode', () => {
    const sut = loadConfig({}, '/srv/liftwatch');
    expect(sut).toMatchObject({
      role: 'all',
      http: { host: '0.0.0.0', port: 3000 },
      database: { url: undefined, embeddedPort: 54329, storageMode: 'auto' },
      dataDir: '/srv/liftwatch/.data',
      businessTimeZone: 'Asia/Shanghai',
    });
  });

  it('should keep the live-state refresh at most a quarter of the offline threshold', () => {
    expect(loadConfig({}).ingest.liveRefreshMs).toBe(5000);
    expect(loadConfig({ INGEST_LIVE_REFRESH_MS: '0' }).ingest.liveRefreshMs).toBe(0);
    // behind an external broker: every touch written unless asked otherwise
    expect(loadConfig({ MQTT_URL: 'mqtt://broker:1883' }).ingest.liveRefreshMs).toBe(0);
    expect(
      loadConfig({ MQTT_URL: 'mqtt://broker:1883', INGEST_LIVE_REFRESH_MS: '2000' }).ingest.liveRefreshMs,
    ).toBe(2000);
    expect(
      loadConfig({ INGEST_LIVE_REFRESH_MS: '30000', ALARM_OFFLINE_AFTER_S: '60' }).ingest.liveRefreshMs,
    ).toBe(15_000);
    expect(() => loadConfig({ INGEST_LIVE_REFRESH_MS: '-1' })).toThrow(/INGEST_LIVE_REFRESH_MS/);
  });

  it('should treat empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', HTTP_PORT: '' }).database.url).toBeUndefined();
  });

  it('should list every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        HTTP_PORT: '70000',
        DATABASE_URL: 'mysql://x',
        BUSINESS_TIMEZONE: 'Mars/Olympus',
        STORAGE_MODE: 'mongo',
        JWT_SECRET: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(fields).toEqual(['BUSINESS_TIMEZONE', 'DATABASE_URL', 'HTTP_PORT', 'JWT_SECRET', 'STORAGE_MODE']);
    expect((error as Error).message).toContain('HTTP_PORT');
  });

  it('should require JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'JWT_SECRET: required when NODE_ENV=production',
    );
  });

  it('should refuse an invalid rescue code pattern', () => {
    expect(() => loadConfig({ RESCUE_CODE_PATTERN: '([' })).toThrow(/RESCUE_CODE_PATTERN/);
  });

  it('should keep an absolute DATA_DIR as it is', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/liftwatch' }, '/elsewhere').dataDir).toBe('/var/lib/liftwatch');
  });
});

describe(redactConfig.name, () => {
  it('should hide secrets and database passwords', () => {
    const cfg = loadConfig({
      DATABASE_URL: 'postgres://app:s3cret@db:5432/liftwatch',
      JWT_SECRET: 'x'.repeat(40),
      ADMIN_PASSWORD: 'admin-password',
      REDIS_URL: 'redis://:r3dispw@cache:6379/0',
      MQTT_URL: 'mqtt://ingest:mq77pw@broker:1883',
    });
    const text = JSON.stringify(redactConfig(cfg));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('x'.repeat(40));
    expect(text).not.toContain('admin-password');
    expect(text).not.toContain('r3dispw');
    expect(text).not.toContain('mq77pw');
    expect(text).toContain('postgres://app:***@db:5432/liftwatch');
    expect(text).toContain('redis://:***@cache:6379/0');
  });
});
