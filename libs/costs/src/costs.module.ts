import { type DynamicModule, Module } from '@nestjs/common';
import { RegistryModule } from '@liftwatch/registry';
import { CostsController } from './costs.controller';
import { CostsJobs } from './costs.jobs';
import { ProjectRepository } from './project.repository';
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
      imports: [RegistryModule, o.telemetry],
      controllers: [CostsController],
      providers: [ProjectRepository, ProjectsService, StatementsService, StatementRepository, CostsJobs],
    };
  }
}
