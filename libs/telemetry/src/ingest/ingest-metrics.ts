import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@liftwatch/observability';

/** The ingest pipeline's Prometheus metrics, on the application's registry. */
@Injectable()
export class IngestMetrics {
  readonly received: Counter<'channel'>;
  readonly rejected: Counter<'reason'>;
  readonly rowsCommitted: Counter<'table'>;
  readonly duplicates: Counter<'table'>;
  readonly flushSeconds: Histogram;
  readonly deviceToCommitSeconds: Histogram;
  readonly pendingRows: Gauge;
  readonly flushFailures: Counter;
  readonly brokerClients: Gauge;
  readonly unknownEventCodes: Counter;
  readonly redelivered: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.received = new Counter({
      name: 'liftwatch_ingest_messages_total',
      help: 'Device messages received, by channel',
      labelNames: ['channel'],
      registers,
    });
    this.rejected = new Counter({
      name: 'liftwatch_ingest_rejected_total',
      help: 'Device messages (or batch items) refused, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.rowsCommitted = new Counter({
      name: 'liftwatch_ingest_rows_committed_total',
      help: 'Rows committed, by table',
      labelNames: ['table'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'liftwatch_ingest_duplicates_total',
      help: 'Rows already stored (redelivered or replayed messages), by table',
      labelNames: ['table'],
      registers,
    });
    this.redelivered = new Counter({
      name: 'liftwatch_ingest_redelivered_total',
      help: 'Messages the broker delivered again (AMQP: a worker, connection or node went away before acknowledging them)',
      registers,
    });
    this.flushSeconds = new Histogram({
      name: 'liftwatch_ingest_flush_seconds',
      help: 'Duration of one batch transaction',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.deviceToCommitSeconds = new Histogram({
      name: 'liftwatch_ingest_device_to_commit_seconds',
      help: 'From the device timestamp of a live status sample to its commit',
      // fine enough to read p50 and p99 off it at the latencies that matter (tens of ms to seconds)
      buckets: [
        0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2,
        3, 5, 10, 30,
      ],
      registers,
    });
    this.pendingRows = new Gauge({
      name: 'liftwatch_ingest_pending_rows',
      help: 'Rows received but not yet committed',
      registers,
    });
    this.flushFailures = new Counter({
      name: 'liftwatch_ingest_flush_failures_total',
      help: 'Batch transactions that failed and will be retried',
      registers,
    });
    this.brokerClients = new Gauge({
      name: 'liftwatch_broker_connected_clients',
      help: 'Devices connected to the embedded broker',
      registers,
    });
    this.unknownEventCodes = new Counter({
      name: 'liftwatch_ingest_unknown_event_codes_total',
      help: 'Events stored whose code is not in the catalogue',
      registers,
    });
  }
}
