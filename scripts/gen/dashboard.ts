/**
 * charts/marketplace/generated/dashboard.json: the Grafana dashboard the chart ships as a ConfigMap
 * (metrics.dashboard in values): the order saga, RED per service, the outbox, consumer lag and
 * dead letters, the database pools. Its queries name the kit's series (packages/platform/src/metrics.ts),
 * and only those (a chart test checks).
 */

// biome-ignore lint/suspicious/noExplicitAny: Grafana's JSON model
type Json = any;

const ds = { type: 'prometheus', uid: '${datasource}' };
const sel = 'service=~"$service"';
const rate = (expr: string) => `rate(${expr}[$__rate_interval])`;

/** The saga's steps, each the event that marks it, as the order service (or payment) hears it. */
export const sagaSteps = [
  { legend: 'placed', service: 'payment', topic: 'order.created' },
  { legend: 'paid', service: 'order', topic: 'payment.completed' },
  { legend: 'preparing', service: 'order', topic: 'shipping.requested' },
] as const;
const sagaQuery = (s: (typeof sagaSteps)[number], fn: (e: string) => string) =>
  `sum(${fn(`mp_events_consumed_total{service="${s.service}",topic="${s.topic}",outcome="handled"}`)})`;

let nextId = 1;
function panel(
  type: string,
  title: string,
  grid: { x: number; y: number; w: number; h: number },
  targets: { expr: string; legend: string; instant?: boolean }[],
  o: { unit?: string; description?: string; options?: Json } = {},
): Json {
  return {
    id: nextId++,
    type,
    title,
    ...(o.description ? { description: o.description } : {}),
    datasource: ds,
    gridPos: grid,
    fieldConfig: { defaults: { unit: o.unit ?? 'short' }, overrides: [] },
    options: o.options ?? {},
    targets: targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: ds,
      expr: t.expr,
      legendFormat: t.legend,
      ...(t.instant ? { instant: true, range: false } : {}),
    })),
  };
}
const row = (title: string, y: number): Json => ({
  id: nextId++,
  type: 'row',
  title,
  collapsed: false,
  gridPos: { x: 0, y, w: 24, h: 1 },
  panels: [],
});

export function dashboard(): string {
  nextId = 1;
  const panels: Json[] = [
    row('The order saga', 0),
    panel(
      'bargauge',
      'Orders placed → paid → preparing (in the time range)',
      { x: 0, y: 1, w: 8, h: 8 },
      sagaSteps.map((s) => ({
        expr: sagaQuery(s, (e) => `increase(${e}[$__range])`),
        legend: s.legend,
        instant: true,
      })),
      {
        description:
          'order.created handled by payment, payment.completed and shipping.requested handled by order: a gap between two bars is orders stuck between those steps.',
        options: {
          orientation: 'horizontal',
          displayMode: 'gradient',
          reduceOptions: { calcs: ['lastNotNull'] },
        },
      },
    ),
    panel(
      'timeseries',
      'Saga steps per second',
      { x: 8, y: 1, w: 16, h: 8 },
      sagaSteps.map((s) => ({ expr: sagaQuery(s, rate), legend: s.legend })),
      { unit: 'ops' },
    ),
    row('Requests (rate, errors, duration) per service', 9),
    panel(
      'timeseries',
      'Requests per second',
      { x: 0, y: 10, w: 8, h: 8 },
      [{ expr: `sum by (service) (${rate(`mp_http_requests_total{${sel}}`)})`, legend: '{{service}}' }],
      { unit: 'reqps' },
    ),
    panel(
      'timeseries',
      'Errors (5xx) per second',
      { x: 8, y: 10, w: 8, h: 8 },
      [{ expr: `sum by (service) (${rate(`mp_http_request_errors_total{${sel}}`)})`, legend: '{{service}}' }],
      { unit: 'reqps' },
    ),
    panel(
      'timeseries',
      'Duration, 95th percentile',
      { x: 16, y: 10, w: 8, h: 8 },
      [
        {
          expr: `histogram_quantile(0.95, sum by (service, le) (${rate(`mp_http_request_duration_seconds_bucket{${sel}}`)}))`,
          legend: '{{service}}',
        },
      ],
      { unit: 's' },
    ),
    panel(
      'table',
      'Slowest routes (95th percentile)',
      { x: 0, y: 18, w: 12, h: 8 },
      [
        {
          expr: `topk(10, histogram_quantile(0.95, sum by (service, method, route, le) (${rate(`mp_http_request_duration_seconds_bucket{${sel}}`)})))`,
          legend: '{{service}} {{method}} {{route}}',
          instant: true,
        },
      ],
      { unit: 's' },
    ),
    panel('table', 'Routes answering 5xx', { x: 12, y: 18, w: 12, h: 8 }, [
      {
        expr: `topk(10, sum by (service, method, route, status) (increase(mp_http_request_errors_total{${sel}}[$__range]))) > 0`,
        legend: '{{service}} {{method}} {{route}} {{status}}',
        instant: true,
      },
    ]),
    row('Events: outbox, consumers, dead letters', 26),
    panel('timeseries', 'Outbox backlog (rows not yet published)', { x: 0, y: 27, w: 8, h: 8 }, [
      { expr: `max by (service) (mp_outbox_backlog{${sel}})`, legend: '{{service}}' },
    ]),
    panel(
      'timeseries',
      'Age of the oldest unpublished row',
      { x: 8, y: 27, w: 8, h: 8 },
      [{ expr: `max by (service) (mp_outbox_oldest_age_seconds{${sel}})`, legend: '{{service}}' }],
      { unit: 's', description: 'Grows when the relay cannot publish (broker or sidecar down).' },
    ),
    panel(
      'timeseries',
      'Consumer lag, 95th percentile (delivery − event time)',
      { x: 16, y: 27, w: 8, h: 8 },
      [
        {
          expr: `histogram_quantile(0.95, sum by (service, topic, le) (${rate(`mp_event_consumer_lag_seconds_bucket{${sel}}`)}))`,
          legend: '{{service}} ← {{topic}}',
        },
      ],
      { unit: 's' },
    ),
    panel(
      'timeseries',
      'Deliveries failed (retried) per second',
      { x: 0, y: 35, w: 12, h: 8 },
      [
        {
          expr: `sum by (service, topic) (${rate(`mp_events_consumed_total{${sel},outcome="failed"}`)})`,
          legend: '{{service}} ← {{topic}}',
        },
      ],
      { unit: 'ops' },
    ),
    panel(
      'table',
      'Dead-lettered events (in the time range)',
      { x: 12, y: 35, w: 12, h: 8 },
      [
        {
          expr: `sum by (service, topic) (increase(mp_events_consumed_total{${sel},outcome="dead_lettered"}[$__range])) > 0`,
          legend: '{{service}} ← {{topic}}',
          instant: true,
        },
      ],
      { description: 'Replayed from the admin service (dead-letter replay), see docs/metrics.md.' },
    ),
    row('Database pools', 43),
    panel(
      'timeseries',
      'Connections in use / pool size',
      { x: 0, y: 44, w: 12, h: 8 },
      [
        {
          expr: `max by (service) ((mp_db_pool_connections{${sel}} - mp_db_pool_idle_connections{${sel}}) / mp_db_pool_max_connections{${sel}})`,
          legend: '{{service}}',
        },
      ],
      { unit: 'percentunit' },
    ),
    panel('timeseries', 'Queries waiting for a connection', { x: 12, y: 44, w: 12, h: 8 }, [
      { expr: `max by (service) (mp_db_pool_waiting_clients{${sel}})`, legend: '{{service}}' },
    ]),
  ];
  const json = {
    uid: 'marketplace-overview',
    title: 'Marketplace',
    description:
      'The services: the order saga, RED per service, outbox, consumer lag, dead letters, database pools.',
    tags: ['marketplace'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        {
          name: 'service',
          label: 'Service',
          type: 'query',
          datasource: ds,
          query: { query: 'label_values(mp_http_requests_total, service)', refId: 'services' },
          definition: 'label_values(mp_http_requests_total, service)',
          includeAll: true,
          multi: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          refresh: 2,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
