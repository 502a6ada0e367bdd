/**
 * Files generated from the code's single sources of truth (the event catalog, the services table).
 *   node scripts/gen/index.ts           write them
 *   node scripts/gen/index.ts --check   fail if any is out of date (CI runs this)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { apiDocumentJson, clientSchema, errorsDoc, errorsJson } from './api.ts';
import {
  chartAccess,
  chartCommonComponents,
  chartEnvironments,
  chartMetricSpec,
  chartPubsubScopes,
  chartResiliency,
  chartRoutes,
  chartServices,
  chartStateStores,
  chartSubscriptions,
  localPostgresInit,
} from './chart.ts';
import { daprdComponentsFile, daprdComponentsList } from './daprd.ts';
import { dashboard } from './dashboard.ts';
import { eventsDoc, routesDoc } from './docs.ts';
import { iamFiles } from './iam.ts';
import { valuesSchema } from './values-schema.ts';

const root = join(import.meta.dirname, '..', '..');

/** path (from the repository root) → content */
export const generated: Record<string, () => string | Promise<string>> = {
  'docs/events.md': eventsDoc,
  'docs/routes.md': routesDoc,
  'docs/errors.md': errorsDoc,
  'packages/contracts/generated/openapi.json': apiDocumentJson,
  'packages/contracts/generated/errors.json': errorsJson,
  'packages/client/src/schema.gen.ts': clientSchema,
  'charts/marketplace/values.schema.json': valuesSchema,
  'charts/marketplace/generated/services.yaml': chartServices,
  'charts/marketplace/generated/routes.yaml': chartRoutes,
  'charts/marketplace/generated/subscriptions.yaml': chartSubscriptions,
  'charts/marketplace/generated/statestores.yaml': chartStateStores,
  'charts/marketplace/generated/resiliency.yaml': chartResiliency,
  'charts/marketplace/generated/components.yaml': chartCommonComponents,
  'charts/marketplace/generated/environments.yaml': chartEnvironments,
  'charts/marketplace/generated/access.yaml': chartAccess,
  'charts/marketplace/generated/metric.yaml': chartMetricSpec,
  'charts/marketplace/generated/pubsub-scopes.yaml': chartPubsubScopes,
  'charts/marketplace/generated/dashboard.json': dashboard,
  'k8s/local/postgresql-init.yaml': localPostgresInit,
  [daprdComponentsFile]: daprdComponentsList,
  ...iamFiles(),
};

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [path, make] of Object.entries(generated)) {
  const file = join(root, path);
  const content = await make();
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) continue;
  if (check) stale.push(path);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    console.log(`wrote ${path}`);
  }
}
if (stale.length) {
  console.error(`out of date (run node scripts/gen/index.ts): ${stale.join(', ')}`);
  process.exit(1);
}
