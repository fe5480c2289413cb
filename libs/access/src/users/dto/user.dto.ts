import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES, type Role } from '../../auth/principal';
import { type UserEntity } from '../user.entity';

export class CreateUserDto {
  @ApiProperty({ example: 'firm.lee', pattern: '^[a-z0-9._-]{3,64}$' })
  @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'username must be 3-64 of a-z 0-9 . _ -' })
  username!: string;

  @ApiProperty({ minLength: 10, writeOnly: true })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password!: string;

  @ApiProperty({ example: '李工' })
  @IsString()
  @Length(1, 100)
  displayName!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'Required for roles firm and insurer', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ description: 'Required for role owner', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Required for role agent', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ description: 'Required for role regulator (GB/T 2260)', example: '440100' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({
    description:
      'Required for role technician: the special-equipment operator certificate (特种设备作业人员证)',
    example: 'TS3-440100-2019-0123',
  })
  @IsOptional()
  @Matches(/^[0-9A-Za-z\-\u4e00-\u9fa5()（）]{4,40}$/, {
    message: 'certificateNumber must be 4-40 letters, digits or dashes',
  })
  certificateNumber?: string;

  @ApiPropertyOptional({ example: '13800138000', description: 'for escalation messages and tap-to-call' })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ enum: ['zh-CN', 'en'], default: 'zh-CN' })
  @IsOptional()
  @IsIn(['zh-CN', 'en'])
  locale?: 'zh-CN' | 'en';
}

export class UpdateUserDto extends PartialType(
  PickType(CreateUserDto, ['displayName', 'password', 'locale', 'phone', 'certificateNumber'] as const),
) {
  @ApiPropertyOptional({ description: 'true disables the account (tokens stop working at once)' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @Length(1, 200)
  password!: string;
}

/** A lock on sign-in in force: an account (by username) or a client address. */
export class LoginLockView {
  @ApiProperty({ enum: ['account', 'address'] }) scope!: 'account' | 'address';
  @ApiProperty({ description: 'the username (lower case) or the address' }) key!: string;
  @ApiProperty({ format: 'date-time' }) lockedUntil!: string;
  @ApiProperty({ description: 'failed attempts counted in the window' }) failures!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the account, when the username exists' })
  userId!: string | null;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
}

export class UnlockLoginDto {
  @ApiProperty({ enum: ['account', 'address'] })
  @IsIn(['account', 'address'])
  scope!: 'account' | 'address';

  @ApiProperty({ description: 'the username, or the address' })
  @IsString()
  @Length(1, 256)
  key!: string;
}

export class UnlockResult {
  @ApiProperty({ description: 'whether a lock was in force' }) wasLocked!: boolean;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ nullable: true, type: String }) organisationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) unitId!: string | null;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) certificateNumber!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'the name of the organisation, owner, region or unit the user is bound to (in lists)',
  })
  bindingName?: string | null;
  @ApiProperty() locale!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: Date;

  static of(u: UserEntity, bindingName?: string | null): UserView {
    return {
      ...(bindingName !== undefined ? { bindingName } : {}),
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      organisationId: u.organisationId,
      ownerId: u.ownerId,
      unitId: u.unitId,
      regionCode: u.regionCode,
      certificateNumber: u.certificateNumber,
      phone: u.phone,
      locale: u.locale,
      disabled: u.disabledAt !== null,
      createdAt: u.createdAt,
    };
  }
}

export class LoginResult {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expiresIn!: number;
  @ApiProperty({ type: UserView }) user!: UserView;
}
