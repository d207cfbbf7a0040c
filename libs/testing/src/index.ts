export * from './environment';
export * from './infrastructure/provision';
export * from './kafka/topic-reader';
export * from './namespace';
export * from './wait-for';
