export * from './metrics.service';
export * from './observability.module';
export * from './health.controller';
export * from './public.decorator';
export * from './http-metrics.middleware';
export * from './health-registry';
