export * from './tracing';
export * from './propagation';
export * from './messaging';
export * from './http-tracing';
export * from './spans';
export * from './in-memory-tracing';
export { errorTypeOf } from './span-outcome';
