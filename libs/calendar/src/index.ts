export * from './business-calendar';
export * from './clock';
export * from './calendar.module';
export * from './date-math';
