import { type DynamicModule, Module } from '@nestjs/common';
import { MaintenanceModule } from '@liftwatch/maintenance';
import { CostsController } from './costs.controller';
import { CostsJobs } from './costs.jobs';
import { ProjectsService } from './projects.service';
import { StatementRepository } from './statements/statement.repository';
import { StatementsService } from './statements/statements.service';

/**
 * The owners' side: retrofit project, consent vote, agreement and split schemes, construction
 * funding, monthly running-cost statements. Runs where the api runs; uses telemetry rollups.
 */
@Module({})
export class CostsModule {
  static forRoot(o: { telemetry: DynamicModule }): DynamicModule {
    return {
      module: CostsModule,
      imports: [MaintenanceModule, o.telemetry],
      controllers: [CostsController],
      providers: [ProjectsService, StatementsService, StatementRepository, CostsJobs],
    };
  }
}
