import { baseConfigSchema, type ServiceConfig } from '@mp/platform';

/** The admin service's variables: the kit's base ones. */
export const config = baseConfigSchema;
export type AdminConfig = ServiceConfig<typeof config>;
