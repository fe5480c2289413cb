import { Module } from '@nestjs/common';
import { BuildingsController, UnitsController } from './buildings/buildings.controller';
import { BuildingRepository } from './buildings/building.repository';
import { ElevatorRepository } from './elevators/elevator.repository';
import { DeviceRepository } from './devices/device.repository';
import { OrganisationRepository } from './organisations/organisation.repository';
import { OwnerRepository } from './owners/owner.repository';
import { RegionRepository } from './regions/region.repository';
import { BuildingsService } from './buildings/buildings.service';
import { DeviceChanges } from './devices/device-changes';
import { DevicesController } from './devices/devices.controller';
import { DevicesService } from './devices/devices.service';
import { ElevatorsController } from './elevators/elevators.controller';
import { ElevatorsService } from './elevators/elevators.service';
import { FlatsController, OwnersController } from './flats/flats.controller';
import { FlatsRepository } from './flats/flats.repository';
import { FlatsService } from './flats/flats.service';
import { OrganisationsController } from './organisations/organisations.controller';
import { OrganisationsService } from './organisations/organisations.service';
import { OwnersService } from './owners/owners.service';
import { RegionsController } from './regions/regions.controller';
import { RegionsService } from './regions/regions.service';
import { VisibilityRepository } from './visibility/visibility.repository';
import { NotificationRepository } from './notices/notification.repository';
import { NotificationBus, Notices } from './notices/notices.service';

@Module({
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
    NotificationRepository,
    NotificationBus,
    Notices,
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
    NotificationRepository,
    NotificationBus,
    Notices,
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
