export * from './attribution-types';
export * from './experiment-keys';
export * from './experiment-store';
