/** Experiment keys are built in ../keys.ts with every other key (layout: ../../FORMAT.md). */
export { EXPERIMENT_FORMAT_VERSION, experimentKeys } from '../keys';
