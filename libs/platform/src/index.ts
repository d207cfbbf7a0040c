export * from './app-error.filter';
export * from './bootstrap';
export * from './health';
export * from './logger';
export * from './tokens';
export * from './metrics';
export * from './metrics.module';
export * from './cors';
