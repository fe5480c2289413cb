import { Module } from '@nestjs/common';
import { boundedUploads, documentStoreProvider } from '@liftwatch/documents';
import { RegistryModule } from '@liftwatch/registry';
import { ContractRepository } from './contracts/contract.repository';
import { ContractsService } from './contracts/contracts.service';
import { InspectionsService } from './inspections/inspections.service';
import { MaintenanceController } from './maintenance.controller';
import { ChecklistRepository } from './checklist/checklist.repository';
import { ChecklistService } from './checklist/checklist.service';
import { InspectionRepository } from './inspections/inspection.repository';
import { WarrantyRepository } from './warranties/warranty.repository';
import { MaintenanceEvidenceService } from './evidence/maintenance-evidence.service';
import { MaintenanceJobs } from './maintenance.jobs';
import { MaintenanceRepository } from './maintenance.repository';
import { NotificationsGateway } from './notifications/notifications.gateway';
import { NotificationsService } from './notifications/notifications.service';
import { OversightService } from './oversight/oversight.service';
import { PlanService } from './plan/plan.service';
import { RecordRepository } from './records/record.repository';
import { RecordsService } from './records/records.service';
import { WarrantiesService } from './warranties/warranties.service';

/**
 * Maintenance contracts and plans (TSG T5002), hash-chained records verified against telemetry,
 * inspections (TSG T7001-2023), warranties, the regulator's overdue view and daily reminders.
 * Runs where the api runs.
 */
@Module({
  imports: [RegistryModule, boundedUploads()],
  controllers: [MaintenanceController],
  providers: [
    documentStoreProvider,
    MaintenanceRepository,
    ContractRepository,
    ContractsService,
    PlanService,
    RecordRepository,
    RecordsService,
    InspectionsService,
    OversightService,
    NotificationsService,
    NotificationsGateway,
    WarrantiesService,
    MaintenanceJobs,
    ChecklistRepository,
    ChecklistService,
    InspectionRepository,
    WarrantyRepository,
    MaintenanceEvidenceService,
  ],
  exports: [RecordsService, InspectionsService, PlanService, ContractsService, MaintenanceEvidenceService],
})
export class MaintenanceModule {}
