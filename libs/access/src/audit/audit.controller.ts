import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { type Page, pageOf, PageQueryDto, PageOf } from '@liftwatch/contract';
import { Roles } from '../auth/auth.decorators';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';

class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'elevator' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorUserId?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(AuditEntryEntity) })
  async list(@Query() q: AuditQueryDto): Promise<Page<AuditEntryEntity>> {
    const { items, total } = await this.audit.list(q);
    return pageOf(items, total, q);
  }
}
