export * from './domain-error';
export * from './validation.util';
export * from './http-exception.filter';
export * from './page.dto';
export * from './id-param.decorator';
export * from './time-range.dto';
export * from './calendar-validators';
export * from './csv';
