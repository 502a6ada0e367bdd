export * from './calls.ts';
export * from './catalog.ts';
export * from './configs.ts';
export * from './envelope.ts';
export * as events from './events/index.ts';
export * from './primitives.ts';
export * from './reference.ts';
export * from './services.ts';
