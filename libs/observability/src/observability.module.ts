import { type DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { type AppConfig } from '@liftwatch/config';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsService } from './metrics.service';

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          // Named wildcard: path-to-regexp v8 (Express 5) no longer accepts a bare '*'.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.log.level,
            genReqId: (req, res) => {
              const incoming = req.headers['x-request-id'];
              const id = typeof incoming === 'string' && incoming.length <= 100 ? incoming : randomUUID();
              res.setHeader('x-request-id', id);
              return id;
            },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customProps: () => ({ service: 'liftwatch', role: config.role }),
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
        }),
      ],
      controllers: [HealthController],
      providers: [MetricsService, HttpMetricsMiddleware, HealthRegistry],
      exports: [MetricsService, HttpMetricsMiddleware, HealthRegistry],
    };
  }
}
