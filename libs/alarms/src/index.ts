export * from './alarms.module';
export * from './alarm-view';
export * from './alarm-types';
export * from './alarm-lifecycle';
export * from './alarm-sweeper.service';
export * from './alarms.service';
export * from './webhooks';
export * from './webhook.dto';
