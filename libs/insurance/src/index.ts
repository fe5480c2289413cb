export * from './insurance.module';
export * from './policies.service';
export * from './payout';
export * from './claim-workflow';
