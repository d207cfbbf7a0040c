export * from './environment';
export * from './infrastructure/provision';
export * from './kafka/topic-reader';
export * from './namespace';
export * from './wait-for';
export * from './services/service-process';
export { REPO_ROOT } from './infrastructure/local-processes';
