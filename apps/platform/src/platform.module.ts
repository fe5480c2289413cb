import { type DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '@liftwatch/access';
import { CalendarModule } from '@liftwatch/calendar';
import { type AppConfig, ConfigModule } from '@liftwatch/config';
import { DatabaseModule, type DatabaseRuntime } from '@liftwatch/database';
import { ObservabilityModule } from '@liftwatch/observability';
import { RegistryModule } from '@liftwatch/registry';

export interface PlatformModuleOptions {
  config: AppConfig;
  database: DatabaseRuntime;
  jwtSecret: string;
}

/** The api role: REST, OpenAPI, health and metrics over the registry and access domains. */
@Module({})
export class PlatformModule {
  static forRoot(o: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(o.config),
        CalendarModule,
        ObservabilityModule.forRoot(o.config),
        DatabaseModule.forRoot(o.config, o.database),
        AccessModule.forRoot({ jwtSecret: o.jwtSecret, jwtTtlSeconds: o.config.auth.jwtTtlSeconds }),
        RegistryModule,
      ],
    };
  }
}
