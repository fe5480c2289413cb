import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { MaintenanceModule } from '@liftwatch/maintenance';
import { RegistryModule } from '@liftwatch/registry';
import { ClaimRepository } from './claim.repository';
import { ClaimsService } from './claims.service';
import { documentStoreProvider } from '@liftwatch/documents';
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
    // In memory and bounded: a file over the limit is refused (413) before anything is written.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.documents.maxBytes, files: 1, fields: 10 },
        // browsers send UTF-8 file names (行李照片.png); busboy's default would read them as latin1
        defParamCharset: 'utf8',
      }),
    }),
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
