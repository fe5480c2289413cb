import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { businessDate } from './business-calendar';

/** The one source of "now" and "today" for services, so tests and rules agree on the zone. */
@Injectable()
export class Clock {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The business time zone (BUSINESS_TIMEZONE, Asia/Shanghai by default). */
  get timeZone(): string {
    return this.config.businessTimeZone;
  }

  now(): Date {
    return new Date();
  }

  /** Today's date (YYYY-MM-DD) in the business time zone. */
  today(): string {
    return businessDate(this.now(), this.config.businessTimeZone);
  }
}
