import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryModule } from '@liftwatch/registry';
import { BrokerHooksController } from './broker/broker-hooks.controller';
import { DeviceCommandsController } from './broker/device-commands.controller';
import { DeviceCommandsService } from './broker/device-commands.service';
import { DeviceAuthService } from './broker/device-auth.service';
import { EmbeddedBrokerService } from './broker/embedded-broker.service';
import { ExternalBrokerConsumer } from './broker/external-broker.consumer';
import { ExternalCommandPublisher } from './broker/external-command.publisher';
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
import { TelemetryJobsService } from './rollups/telemetry-jobs.service';
import { TelemetryScheduler } from './rollups/telemetry.scheduler';
import { TELEMETRY_OPTIONS, type TelemetryOptions, TelemetryRuntime } from './telemetry.runtime';

export interface TelemetryModuleOptions extends TelemetryOptions {
  /** REST, socket.io gateway, broker hooks and scheduled jobs (the api role). */
  api: boolean;
}

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
      RollupRepository,
      TelemetryJobsService,
      TelemetryReadRepository,
      TelemetryRuntime,
    ];
    const controllers: Array<Type<unknown>> = [];
    if (options.api) {
      providers.push(
        TelemetryService,
        LiveGateway,
        TelemetryScheduler,
        DeviceCommandsService,
        ExternalCommandPublisher,
      );
      controllers.push(TelemetryController, BrokerHooksController, DeviceCommandsController);
      // An api process without ingest learns of committed states from ingest processes.
      if (!options.ingest) providers.push(LiveStateListener);
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
        ...(options.api && !options.ingest ? [LiveStateListener] : []),
      ],
    };
  }
}
