export * from './erasure-store';
export * from './erasure-subjects';
export * from './privacy-keys';
export * from './receipt-store';
