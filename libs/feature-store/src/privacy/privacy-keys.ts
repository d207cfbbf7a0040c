/** Privacy keys are built in ../keys.ts with every other key (layout: ../../FORMAT.md). */
export { PRIVACY_FORMAT_VERSION, privacyKeys } from '../keys';
