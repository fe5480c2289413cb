import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per application instance (not the library's global one), so several
 * instances in one process — as in tests — do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'liftwatch_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'liftwatch_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly auditEntries = new Counter({
    name: 'liftwatch_audit_entries_total',
    help: 'Audit log entries written, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly loginAttempts = new Counter({
    name: 'liftwatch_login_attempts_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'liftwatch_' });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
