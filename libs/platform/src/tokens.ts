/** Injection tokens shared by the platform's Nest modules. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
