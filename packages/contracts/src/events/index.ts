export * from './backoffice.ts';
export * from './catalog.ts';
export * from './identity.ts';
export * from './ordering.ts';
