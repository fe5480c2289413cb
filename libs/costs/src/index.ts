export * from './costs.module';
export * from './rules/consent-vote';
export * from './rules/apportion';
export * from './rules/split-scheme';
export * from './rules/month-shares';
export * from './rules/funding';
export * from './rules/tariff';
