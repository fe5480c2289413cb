import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from './public.decorator';
import { DATABASE_RUNTIME, type DatabaseRuntime } from '@liftwatch/database';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { type ComponentHealth, HealthRegistry } from './health-registry';
import { MetricsService } from './metrics.service';

class DatabaseHealth {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ enum: ['embedded', 'external'] }) kind!: 'embedded' | 'external';
  @ApiProperty() serverVersion!: string;
  @ApiProperty({ required: false }) error?: string;
  @ApiProperty({
    required: false,
    description: 'embedded server only: up, or restarting after it died (with how often it was restarted)',
  })
  supervisor?: {
    state: string;
    restarts: number;
    lastExit?: { at: string; code: number | null; signal: string | null };
  };
}

export class HealthReport {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty() role!: string;
  @ApiProperty({ enum: ['timescaledb', 'postgres'] }) storageMode!: string;
  @ApiProperty({ type: DatabaseHealth }) database!: DatabaseHealth;
  @ApiProperty({ description: 'MQTT broker (embedded or external) as seen by this process' })
  broker!: ComponentHealth;
  @ApiProperty({ description: 'Other components of this process (ingest pipeline…)' })
  components!: Record<string, ComponentHealth>;
  @ApiProperty() uptimeSeconds!: number;
}

export class LivenessReport {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ enum: ['all', 'api', 'ingest'] }) role!: string;
}

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly components: HealthRegistry,
  ) {}

  /**
   * Liveness: the process answers (its event loop turns). No dependency is checked — a database
   * outage must not make an orchestrator restart every replica; readiness is `/health`.
   */
  @Get('health/live')
  @ApiOkResponse({ type: LivenessReport, description: '200 while the process answers' })
  live(): LivenessReport {
    return { status: 'ok', role: this.config.role };
  }

  @Get('health')
  @ApiOkResponse({ type: HealthReport, description: '200 when every dependency is up, 503 otherwise' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    let database: DatabaseHealth;
    const supervisor = this.runtime.supervision?.();
    const base = {
      kind: this.runtime.kind,
      serverVersion: this.runtime.serverVersion,
      ...(supervisor ? { supervisor } : {}),
    };
    try {
      await this.ds.query('SELECT 1');
      database = { status: 'up', ...base };
    } catch (err) {
      database = { status: 'down', ...base, error: err instanceof Error ? err.message : String(err) };
    }
    const { broker = { status: 'not_configured' as const }, ...components } = this.components.report();
    const ok = database.status === 'up' && broker.status !== 'down';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'degraded',
      role: this.config.role,
      storageMode: this.runtime.storageMode,
      database,
      broker,
      components,
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.render();
  }
}
