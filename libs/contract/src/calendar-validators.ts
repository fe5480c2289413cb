import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isIsoDate } from '@liftwatch/calendar';

/** A real calendar date written YYYY-MM-DD (2023-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a date YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isIsoDate(value) },
    });
  };
}

export const CALENDAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A calendar month written YYYY-MM. */
export function IsCalendarMonth(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCalendarMonth',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a month YYYY-MM`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && CALENDAR_MONTH.test(value) },
    });
  };
}
