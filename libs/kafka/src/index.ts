export * from './consumer';
export * from './dead-letter';
export * from './kafka-client';
export * from './logger';
export * from './publisher';
export * from './kafka.module';
export * from './batch-consumer';
export * from './group-settings';
