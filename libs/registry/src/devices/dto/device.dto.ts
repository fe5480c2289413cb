import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { SearchPageQueryDto } from '@liftwatch/contract';
import { type DeviceEntity } from '../device.entity';

export class CreateDeviceDto {
  @ApiProperty({
    example: 'LW-GZ-000123',
    description: 'Controller serial; becomes its MQTT client id and topic prefix',
  })
  @Matches(/^[A-Za-z0-9_-]{3,64}$/, { message: 'serial must be 3-64 letters, digits, _ or -' })
  serial!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  elevatorId!: string;

  @ApiPropertyOptional({ example: '2.4.1' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  firmware?: string;
}

export class DeviceQueryDto extends SearchPageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;
}

export class DeviceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() serial!: string;
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({ nullable: true, type: String }) firmware!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() secretRotatedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) revokedAt!: Date | null;

  static of(d: Omit<DeviceEntity, 'secretHash'>): DeviceView {
    return {
      id: d.id,
      serial: d.serial,
      elevatorId: d.elevatorId,
      firmware: d.firmware,
      createdAt: d.createdAt,
      secretRotatedAt: d.secretRotatedAt,
      revokedAt: d.revokedAt,
    };
  }
}

/** Returned once when a device is created or its secret rotated; the platform keeps only a hash. */
export class DeviceCredentials {
  @ApiProperty({ type: DeviceView }) device!: DeviceView;
  @ApiProperty({ description: 'MQTT password for the device. Shown once; store it in the controller now.' })
  secret!: string;
}
