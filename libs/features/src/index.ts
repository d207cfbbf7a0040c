export * from './pseudonymise';
