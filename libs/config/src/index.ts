export * from './env-types';
export * from './fragments';
export * from './parse-config';
export * from './observability';
