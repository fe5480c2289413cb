import { type DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '@liftwatch/access';
import { AlarmsModule } from '@liftwatch/alarms';
import { CalendarModule } from '@liftwatch/calendar';
import { type AppConfig, ConfigModule } from '@liftwatch/config';
import { DatabaseModule, type DatabaseRuntime } from '@liftwatch/database';
import { CostsModule } from '@liftwatch/costs';
import { InsuranceModule } from '@liftwatch/insurance';
import { MaintenanceModule } from '@liftwatch/maintenance';
import { ObservabilityModule } from '@liftwatch/observability';
import { RegistryModule } from '@liftwatch/registry';
import { TelemetryModule } from '@liftwatch/telemetry';
import { PublicModule } from './public/public.module';

export interface PlatformModuleOptions {
  config: AppConfig;
  database: DatabaseRuntime;
  jwtSecret: string;
  /** Tests open the MQTT listeners themselves, on free ports. */
  deferBrokerStart?: boolean;
}

/**
 * Composes the libraries for this process's role:
 * - `all`: REST/socket.io/scheduler + embedded broker (or MQTT_URL consumer) + ingest;
 * - `api`: REST, socket.io, scheduler, broker auth hooks — no MQTT;
 * - `ingest`: consumes MQTT_URL into the database; serves only health and metrics over HTTP.
 */
@Module({})
export class PlatformModule {
  static forRoot(o: PlatformModuleOptions): DynamicModule {
    const api = o.config.role !== 'ingest';
    const ingest = o.config.role !== 'api';
    const telemetry = TelemetryModule.forRoot({ api, ingest, deferBrokerStart: o.deferBrokerStart });
    const alarms = AlarmsModule.forRoot({ api, ingest, telemetry });
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(o.config),
        CalendarModule,
        ObservabilityModule.forRoot(o.config),
        DatabaseModule.forRoot(o.config, o.database),
        AccessModule.forRoot(
          {
            jwtSecret: o.jwtSecret,
            jwtTtlSeconds: o.config.auth.jwtTtlSeconds,
            passwordHash: { N: o.config.auth.passwordScryptN, r: 8, p: 1 },
            login: o.config.auth.login,
          },
          api,
        ),
        ...(api ? [RegistryModule] : []),
        telemetry,
        alarms,
        ...(api
          ? [
              MaintenanceModule,
              InsuranceModule,
              CostsModule.forRoot({ telemetry }),
              PublicModule.forRoot({ alarms }),
            ]
          : []),
      ],
    };
  }
}
