import { Injectable } from '@nestjs/common';

export interface ComponentHealth {
  status: 'up' | 'down' | 'not_configured';
  [detail: string]: unknown;
}

/** Components (the broker, the ingest pipeline) report their health here; /health shows them. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => ComponentHealth>();

  register(name: string, check: () => ComponentHealth): void {
    this.checks.set(name, check);
  }

  report(): Record<string, ComponentHealth> {
    return Object.fromEntries([...this.checks].map(([name, check]) => [name, check()]));
  }
}
