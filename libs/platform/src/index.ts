export * from './app-error.filter';
export * from './bootstrap';
export * from './health';
export * from './logger';
export * from './tokens';
