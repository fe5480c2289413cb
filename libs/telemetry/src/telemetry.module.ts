import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryModule } from '@liftwatch/registry';
import { AmqpIngestConsumer } from './broker/amqp-ingest.consumer';
import { BrokerHooksController } from './broker/broker-hooks.controller';
import { RabbitmqHooksController } from './broker/rabbitmq-hooks.controller';
import { DeviceCommandsController } from './broker/device-commands.controller';
import { DeviceCommandsService } from './broker/device-commands.service';
import { DeviceAuthService } from './broker/device-auth.service';
import { EmbeddedBrokerService } from './broker/embedded-broker.service';
import { ExternalBrokerConsumer } from './broker/external-broker.consumer';
import { ExternalCommandPublisher } from './broker/external-command.publisher';
import { ExternalBrokerKicker } from './broker/external-broker.kicker';
import { TelemetryController } from './history/telemetry.controller';
import { TelemetryReadRepository } from './history/telemetry-read.repository';
import { TelemetryService } from './history/telemetry.service';
import { DeviceDirectory } from './ingest/device-directory';
import { IngestMetrics } from './ingest/ingest-metrics';
import { IngestService } from './ingest/ingest.service';
import { TelemetryWriteRepository } from './ingest/telemetry-write.repository';
import { LiveStateListener } from './live/live-bridge';
import { LiveStateBus } from './live/live-state';
import { LiveGateway } from './live/live.gateway';
import { RollupRepository } from './rollups/rollup.repository';
import { MeterRepository } from './rollups/meter.repository';
import { MeterAnomaliesController, MeterAnomaliesService } from './rollups/meter-anomalies';
import { TelemetryJobsService } from './rollups/telemetry-jobs.service';
import { TelemetryScheduler } from './rollups/telemetry.scheduler';
import { TELEMETRY_OPTIONS, type TelemetryOptions, TelemetryRuntime } from './telemetry.runtime';

export type TelemetryModuleOptions = TelemetryOptions;

@Module({})
export class TelemetryModule {
  static forRoot(options: TelemetryModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: TELEMETRY_OPTIONS, useValue: options },
      DeviceDirectory,
      DeviceAuthService,
      IngestMetrics,
      TelemetryWriteRepository,
      IngestService,
      LiveStateBus,
      EmbeddedBrokerService,
      ExternalBrokerConsumer,
      AmqpIngestConsumer,
      RollupRepository,
      MeterRepository,
      TelemetryJobsService,
      TelemetryReadRepository,
      TelemetryRuntime,
      ExternalBrokerKicker,
    ];
    // A process of one role learns through the database what the others committed.
    const split = options.api !== options.ingest;
    if (split) providers.push(LiveStateListener);
    const controllers: Array<Type<unknown>> = [];
    if (options.api) {
      providers.push(
        TelemetryService,
        LiveGateway,
        TelemetryScheduler,
        DeviceCommandsService,
        ExternalCommandPublisher,
        MeterAnomaliesService,
      );
      controllers.push(
        TelemetryController,
        BrokerHooksController,
        RabbitmqHooksController,
        DeviceCommandsController,
        MeterAnomaliesController,
      );
    }
    return {
      module: TelemetryModule,
      imports: options.api ? [RegistryModule, ScheduleModule.forRoot()] : [],
      controllers,
      providers,
      exports: [
        IngestService,
        LiveStateBus,
        TelemetryRuntime,
        EmbeddedBrokerService,
        TelemetryJobsService,
        DeviceDirectory,
        TelemetryReadRepository,
        MeterRepository,
        ...(split ? [LiveStateListener] : []),
      ],
    };
  }
}
