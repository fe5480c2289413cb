import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { MaintenanceModule } from '@liftwatch/maintenance';
import { RegistryModule } from '@liftwatch/registry';
import { CodeSheetController, PublicController } from './public.controller';
import { PublicElevatorRepository } from './public-elevator.repository';
import { PublicService } from './public.service';
import { ServiceStatusController, ServiceStatusService } from '../service-status/service-status';

/** The car's public page (一梯一码): composed from the registry, maintenance, insurance and alarms. */
@Module({})
export class PublicModule {
  static forRoot(o: { alarms: DynamicModule }): DynamicModule {
    return {
      module: PublicModule,
      imports: [
        MaintenanceModule,
        RegistryModule,
        o.alarms,
        // reads of the public page per client address (in this process; see docs/operations.md)
        ThrottlerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => [{ ttl: 60_000, limit: c.http.publicPageReadsPerMinute }],
        }),
      ],
      controllers: [PublicController, CodeSheetController, ServiceStatusController],
      providers: [PublicElevatorRepository, PublicService, ServiceStatusService],
    };
  }
}
