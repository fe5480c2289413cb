import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type AppConfig } from '@liftwatch/config';
import { type DatabaseRuntime } from './database-runtime';
import { Sql } from './sql';

export const DATABASE_RUNTIME = Symbol('DATABASE_RUNTIME');

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, runtime: DatabaseRuntime): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: runtime.url,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          // Failed queries surface as errors where they matter (the HTTP error filter logs a 500 with
          // its cause, ingest logs a refused batch); TypeORM's own logging would print expected
          // failures (a unique violation mapped to 409) as well.
          logging: false,
          extra: { max: config.database.poolSize },
        }),
      ],
      providers: [{ provide: DATABASE_RUNTIME, useValue: runtime }, Sql],
      exports: [DATABASE_RUNTIME, Sql],
    };
  }
}
