export * from './redis-connection';
export * from './feature-store';
export * from './keys';
export * from './rate-limiter';
export * from './redis.module';
export * from './model-registry';
export * from './recommendation-reader';
export * from './experiments';
