import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { type ConfigCommand } from '../protocol/messages';

export class ConfigCommandDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3600,
    description: 'seconds between status samples while idle',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  statusIntervalS?: number;

  @ApiPropertyOptional({ minimum: 5, maximum: 3600, description: 'seconds between heartbeats' })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(3600)
  heartbeatIntervalS?: number;
}

export class CommandSent {
  @ApiProperty() topic!: string;
  @ApiProperty() command!: ConfigCommand;
}
