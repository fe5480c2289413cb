import { Module } from '@nestjs/common';
import { MaintenanceModule } from '@liftwatch/maintenance';
import { RegistryModule } from '@liftwatch/registry';
import { ClaimRepository } from './claim.repository';
import { ClaimsService } from './claims.service';
import { boundedUploads, documentStoreProvider } from '@liftwatch/documents';
import { EvidenceBuilder } from './evidence';
import { EvidenceRepository } from './evidence.repository';
import { InsuranceController } from './insurance.controller';
import { PoliciesService } from './policies.service';
import { PolicyRepository } from './policy.repository';

/** Insurance policies, claims with frozen evidence bundles, documents. Runs where the api runs. */
@Module({
  imports: [
    // for MaintenanceEvidenceService only: visits, their chain and the inspection status at an incident
    MaintenanceModule,
    RegistryModule,
    boundedUploads(),
  ],
  controllers: [InsuranceController],
  providers: [
    PolicyRepository,
    ClaimRepository,
    EvidenceRepository,
    PoliciesService,
    ClaimsService,
    EvidenceBuilder,
    documentStoreProvider,
  ],
  exports: [PoliciesService],
})
export class InsuranceModule {}
