import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BuildingEntity, UnitEntity } from './buildings/building.entity';
import { BuildingsController, UnitsController } from './buildings/buildings.controller';
import { BuildingRepository } from './buildings/building.repository';
import { ElevatorRepository } from './elevators/elevator.repository';
import { DeviceRepository } from './devices/device.repository';
import { OrganisationRepository } from './organisations/organisation.repository';
import { OwnerRepository } from './owners/owner.repository';
import { RegionRepository } from './regions/region.repository';
import { BuildingsService } from './buildings/buildings.service';
import { DeviceChanges } from './devices/device-changes';
import { DeviceEntity } from './devices/device.entity';
import { DevicesController } from './devices/devices.controller';
import { DevicesService } from './devices/devices.service';
import { ElevatorAssignmentEntity, ElevatorEntity } from './elevators/elevator.entity';
import { ElevatorsController } from './elevators/elevators.controller';
import { ElevatorsService } from './elevators/elevators.service';
import { FlatEntity, FlatOwnershipEntity } from './flats/flat.entity';
import { FlatsController, OwnersController } from './flats/flats.controller';
import { FlatsRepository } from './flats/flats.repository';
import { FlatsService } from './flats/flats.service';
import { OrganisationEntity } from './organisations/organisation.entity';
import { OrganisationsController } from './organisations/organisations.controller';
import { OrganisationsService } from './organisations/organisations.service';
import { OwnerEntity } from './owners/owner.entity';
import { OwnersService } from './owners/owners.service';
import { RegionEntity } from './regions/region.entity';
import { RegionsController } from './regions/regions.controller';
import { RegionsService } from './regions/regions.service';
import { VisibilityRepository } from './visibility/visibility.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      RegionEntity,
      OrganisationEntity,
      BuildingEntity,
      UnitEntity,
      FlatEntity,
      FlatOwnershipEntity,
      OwnerEntity,
      ElevatorEntity,
      ElevatorAssignmentEntity,
      DeviceEntity,
    ]),
  ],
  controllers: [
    RegionsController,
    OrganisationsController,
    BuildingsController,
    UnitsController,
    FlatsController,
    OwnersController,
    ElevatorsController,
    DevicesController,
  ],
  providers: [
    DeviceChanges,
    VisibilityRepository,
    BuildingRepository,
    ElevatorRepository,
    DeviceRepository,
    OrganisationRepository,
    OwnerRepository,
    RegionRepository,
    RegionsService,
    OrganisationsService,
    BuildingsService,
    FlatsRepository,
    FlatsService,
    OwnersService,
    ElevatorsService,
    DevicesService,
  ],
  exports: [
    DeviceChanges,
    VisibilityRepository,
    RegionsService,
    OrganisationsService,
    BuildingsService,
    FlatsService,
    OwnersService,
    ElevatorsService,
    DevicesService,
  ],
})
export class RegistryModule {}
