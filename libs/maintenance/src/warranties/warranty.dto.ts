import { ApiProperty } from '@nestjs/swagger';
import { WARRANTY_KINDS, type WarrantyKind } from './warranties.service';
export class WarrantyView {
  id!: string;
  elevatorId!: string;
  @ApiProperty({ enum: WARRANTY_KINDS })
  kind!: WarrantyKind;
  organisationId!: string;
  organisationName!: string;
  startsOn!: string;
  endsOn!: string;
  terms!: string | null;
  activeToday!: boolean;
}

export class WarrantyFaultRow {
  organisationId!: string;
  organisationName!: string;
  @ApiProperty({ enum: WARRANTY_KINDS })
  kind!: WarrantyKind;
  elevators!: number;
  faults!: number;
  entrapments!: number;
  byType!: Record<string, number>;
}
