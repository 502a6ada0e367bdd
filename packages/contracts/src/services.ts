import { referencePaths } from './reference.ts';

/**
 * The sixteen services: port, Dapr app id, public path prefixes and database.
 * This table is the one route table: the local gateway (nginx), the Kubernetes ingress,
 * the local runner and the Helm values are generated from it.
 */
export const services = {
  auth: {
    port: 3001,
    // auth also serves the API reference (packages/platform/src/reference.ts).
    prefixes: ['/api/v1/auth', '/.well-known/jwks.json', ...referencePaths],
    database: 'users_db',
  },
  user: { port: 3002, prefixes: ['/api/v1/users'], database: 'users_db' },
  product: { port: 3003, prefixes: ['/api/v1/products', '/api/v1/categories'], database: 'products_db' },
  order: { port: 3004, prefixes: ['/api/v1/orders', '/api/v1/cart'], database: 'orders_db' },
  payment: { port: 3005, prefixes: ['/api/v1/payments'], database: 'payments_db' },
  shipping: { port: 3006, prefixes: ['/api/v1/shipments'], database: 'orders_db' },
  seller: { port: 3007, prefixes: ['/api/v1/sellers'], database: 'users_db' },
  settlement: { port: 3008, prefixes: ['/api/v1/settlements'], database: 'settlements_db' },
  coupon: { port: 3009, prefixes: ['/api/v1/coupons'], database: 'products_db' },
  inventory: { port: 3010, prefixes: ['/api/v1/inventory'], database: 'products_db' },
  notification: { port: 3011, prefixes: ['/api/v1/notifications'], database: 'notifications_db' },
  review: { port: 3012, prefixes: ['/api/v1/reviews'], database: 'products_db' },
  search: { port: 3013, prefixes: ['/api/v1/search'], database: 'products_db' },
  admin: { port: 3014, prefixes: ['/api/v1/admin', '/api/v1/notices'], database: 'admin_db' },
  file: { port: 3015, prefixes: ['/api/v1/files'], database: 'files_db' },
  stats: { port: 3016, prefixes: ['/api/v1/stats'], database: 'stats_db' },
} as const satisfies Record<string, ServiceSpec>;

export interface ServiceSpec {
  /** The app's HTTP port (3001–3016, as the original design numbers them). */
  port: number;
  /** Public path prefixes routed to this service by the gateway and the ingress. */
  prefixes: readonly string[];
  /** The database that holds this service's schema. */
  database: string;
}

export type ServiceName = keyof typeof services;
export const serviceNames = Object.keys(services) as ServiceName[];

/** The PostgreSQL schema a service owns inside its database ("user" and "order" are reserved words). */
export const schemaOf = (service: ServiceName): string =>
  ({ user: 'users', order: 'orders' })[service as 'user' | 'order'] ?? service;

/** Every database the services need: the original design's seven plus two for services it kept outside RDS. */
export const databases = [...new Set(Object.values(services).map((s) => s.database))].sort();

/**
 * The environments (ENVIRONMENT, the chart's `environment`) that are local: only there may
 * LOCAL_DEV switch on sandboxes and development conveniences, and Redis go without a password.
 * Any other name, or none, is treated as production (fail closed).
 */
export const localEnvironments: readonly string[] = ['local', 'dev', 'development', 'test'];

/** The event source name (as the original design spells it) (`order-service`). */
export const sourceOf = (service: ServiceName) => `${service}-service` as const;

/**
 * Routes that only exist in local profiles (the contract's "local development conveniences"):
 * the PG, carrier, FCM, Kakao and bank sandboxes, served by the payment, shipping, notification and settlement services.
 */
export const sandboxRoutes = [
  { prefix: '/sandbox/pg', service: 'payment' },
  { prefix: '/sandbox/carrier', service: 'shipping' },
  { prefix: '/sandbox/fcm', service: 'notification' },
  { prefix: '/sandbox/kakao', service: 'notification' },
  { prefix: '/sandbox/bank', service: 'settlement' },
] as const satisfies readonly { prefix: string; service: ServiceName }[];

/** Prefix → service, longest prefix first, as a gateway must match them. */
export function routeTable(opts: { sandboxes?: boolean } = {}) {
  const rows: { prefix: string; service: ServiceName; port: number }[] = [];
  for (const name of serviceNames) {
    for (const prefix of services[name].prefixes)
      rows.push({ prefix, service: name, port: services[name].port });
  }
  if (opts.sandboxes) {
    for (const r of sandboxRoutes)
      rows.push({ prefix: r.prefix, service: r.service, port: services[r.service].port });
  }
  return rows.sort((a, b) => b.prefix.length - a.prefix.length);
}
