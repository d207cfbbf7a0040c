export * from './ranker';
