import { baseConfigSchema, type ServiceConfig } from '@mp/platform';

/** The review service's variables: the kit's base ones. */
export const config = baseConfigSchema;
export type ReviewConfig = ServiceConfig<typeof config>;
