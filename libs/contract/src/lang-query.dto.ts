import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { type ExportFormat, type Lang, LANGS } from './table-export';

/** `?lang=` for documents and texts the server writes: Chinese unless English is asked for. */
export class LangQueryDto {
  @ApiPropertyOptional({ enum: LANGS, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

/** `?format=csv|xlsx&lang=` for table exports. */
export class ExportQueryDto extends LangQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'xlsx' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: ExportFormat;
}
