import { join } from 'node:path';

/** The merged public API document and the error codes, written by scripts/gen (do not edit them). */
export const apiDocumentFile = join(import.meta.dirname, '..', 'generated', 'openapi.json');
export const errorCodesFile = join(import.meta.dirname, '..', 'generated', 'errors.json');

/** Where the gateway and the Ingress serve the API reference (routed to the service that hosts it). */
export const referencePaths = ['/api/openapi.json', '/api/docs', '/api/errors'] as const;
