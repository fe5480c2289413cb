import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { RegistryModule } from '@liftwatch/registry';
import { AlarmEngine } from './alarm-engine.service';
import { AlarmSweeper } from './alarm-sweeper.service';
import { AlarmReadRepository } from './alarm-read.repository';
import { PassengerReportsService } from './passenger-reports.service';
import { AlarmRepository } from './alarm.repository';
import { AlarmBus } from './alarm-view';
import { AlarmRelay } from './alarm-relay';
import { AlarmsController } from './alarms.controller';
import { AlarmsGateway } from './alarms.gateway';
import { AlarmsService } from './alarms.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookDispatcher, WebhooksController, WebhooksService } from './webhooks';
import { FleetController } from './fleet/fleet.controller';
import { FleetRepository } from './fleet/fleet.repository';
import { FleetService } from './fleet/fleet.service';
import { FleetStatusService } from './fleet/fleet-status.service';
import { AvailabilityController } from './availability/availability.controller';
import { AvailabilityRepository } from './availability/availability.repository';
import { AvailabilityService } from './availability/availability.service';
import {
  EscalationContactsController,
  EscalationContactsService,
} from './escalation/escalation-contacts.controller';
import { EscalationRepository } from './escalation/escalation.repository';
import { EscalationService } from './escalation/escalation.service';
import { SmsChannel, WebhookChannel } from './escalation/notification-senders';
import { IncidentReporter } from './rescue/incident-reporter';
import { RescueRepository } from './rescue/rescue.repository';
import { WorkOrderRepository } from './work-orders/work-order.repository';
import { WorkOrdersController } from './work-orders/work-orders.controller';
import { WorkOrdersService } from './work-orders/work-orders.service';

/**
 * Alarms: rules in the ingest path (where ingest runs), timers and escalation in the scheduler and
 * REST plus socket.io push (where the api runs).
 */
@Module({})
export class AlarmsModule {
  static forRoot(o: { api: boolean; ingest: boolean; telemetry: DynamicModule }): DynamicModule {
    const providers: Provider[] = [AlarmRepository, AlarmBus, RescueRepository, IncidentReporter];
    const controllers: Array<Type<unknown>> = [];
    if (o.ingest) providers.push(AlarmEngine);
    if (o.api) {
      providers.push(
        AlarmReadRepository,
        PassengerReportsService,
        AlarmsService,
        AlarmsGateway,
        AlarmSweeper,
        WebhookRepository,
        WebhooksService,
        WebhookDispatcher,
        FleetRepository,
        FleetStatusService,
        FleetService,
        AvailabilityRepository,
        AvailabilityService,
        EscalationRepository,
        EscalationService,
        EscalationContactsService,
        SmsChannel,
        WebhookChannel,
        WorkOrderRepository,
        WorkOrdersService,
      );
      if (!o.ingest) providers.push(AlarmRelay);
      controllers.push(
        AlarmsController,
        WebhooksController,
        FleetController,
        AvailabilityController,
        EscalationContactsController,
        WorkOrdersController,
      );
    }
    return {
      module: AlarmsModule,
      imports: [o.telemetry, ...(o.api ? [RegistryModule] : [])],
      controllers,
      providers,
      exports: o.api ? [PassengerReportsService, FleetService] : [],
    };
  }
}
