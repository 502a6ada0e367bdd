/**
 * The chart's monitoring: each app's metrics port (named, on no Service), the PodMonitor option
 * scraping the apps and their sidecars, and the Grafana dashboard, whose queries name only series
 * the kit exports.
 */
import { serviceNames, subscriptionsOf } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../packages/platform/src/metrics.ts';
import { sagaSteps } from '../../scripts/gen/dashboard.ts';
import { type Manifest, ofKind, render, renderError } from './render.ts';

const monitoringApi = ['--api-versions', 'monitoring.coreos.com/v1/PodMonitor'];
const on = [
  ...monitoringApi,
  '--set',
  'metrics.podMonitor.enabled=true',
  '--set',
  'metrics.dashboard.enabled=true',
];
const deployment = (ms: Manifest[], name: string) =>
  ofKind(ms, 'Deployment').find((d) => d.metadata.name === `marketplace-${name}`)!;

describe('the apps’ metrics port', () => {
  const ms = render('default');
  it('is a named container port given to the app as METRICS_PORT, apart from the API port', () => {
    for (const name of serviceNames) {
      const [app] = deployment(ms, name).spec.template.spec.containers;
      const ports = Object.fromEntries(app.ports.map((p: any) => [p.name, p.containerPort]));
      expect(ports.metrics, name).toBe(9464);
      expect(ports.http, name).not.toBe(9464);
      expect(app.env).toContainEqual({ name: 'METRICS_PORT', value: '9464' });
      expect(deployment(ms, name).spec.template.metadata.annotations['dapr.io/enable-metrics']).toBe('true');
    }
  });

  it('is on no Service, so the Ingress and the gateway never reach it', () => {
    for (const s of ofKind(ms, 'Service'))
      for (const p of s.spec.ports) expect([p.name, p.targetPort], s.metadata.name).not.toContain('metrics');
  });

  it('is open to metricsFrom with the sidecars’ 9090', () => {
    const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];
    const withScraper = render('default', [
      '--set-json',
      `networkPolicy.metricsFrom=${JSON.stringify(from)}`,
    ]);
    for (const name of serviceNames) {
      const p = ofKind(withScraper, 'NetworkPolicy').find((x) => x.metadata.name === `marketplace-${name}`)!;
      const rule = p.spec.ingress.find((r: any) => JSON.stringify(r.from) === JSON.stringify(from));
      expect(rule.ports.map((x: any) => x.port)).toEqual([9090, 'metrics']);
    }
  });
});

describe('the PodMonitor and the dashboard', () => {
  it('are off by default', () => {
    const ms = render('default', monitoringApi);
    expect(ofKind(ms, 'PodMonitor')).toEqual([]);
    expect(ofKind(ms, 'ConfigMap').filter((c) => c.metadata.name.endsWith('-dashboard'))).toEqual([]);
  });

  it('scrape every app’s metrics and its sidecar’s, selecting exactly the services’ pods', () => {
    const ms = render('eks', [...on, '--set', 'metrics.podMonitor.labels.release=prometheus']);
    const [pm] = ofKind(ms, 'PodMonitor');
    expect(pm!.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pm!.metadata.labels?.release).toBe('prometheus');
    expect(pm!.spec.podMetricsEndpoints.map((e: any) => [e.port, e.path])).toEqual([
      ['metrics', '/metrics'],
      ['dapr-metrics', '/metrics'],
    ]);
    const selected = ofKind(ms, 'Deployment').filter((d) =>
      Object.entries(pm!.spec.selector.matchLabels).every(
        ([k, v]) => d.spec.template.metadata.labels[k] === v,
      ),
    );
    expect(selected.map((d) => d.metadata.name).sort()).toEqual(
      serviceNames.map((n) => `marketplace-${n}`).sort(),
    );
  });

  it('refuse to render a PodMonitor on a cluster without the Prometheus Operator', () => {
    expect(renderError('default', ['--set', 'metrics.podMonitor.enabled=true'])).toMatch(
      /no PodMonitor \(monitoring.coreos.com\/v1\)/,
    );
  });

  it('ship the dashboard for Grafana’s sidecar, querying only series the kit exports', () => {
    const ms = render('default', on);
    const cm = ofKind(ms, 'ConfigMap').find((c) => c.metadata.name === 'marketplace-dashboard')!;
    expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
    const dash = JSON.parse(cm.data!['marketplace.json']!);
    const exprs: string[] = dash.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    const kit = createMetrics({ service: 'order', db: {} as never, pool: {} as never });
    const exported = new Set(kit.registry.getMetricsAsArray().map((m) => m.name));
    const named = new Set(exprs.flatMap((e) => e.match(/mp_[a-z_]+/g) ?? []));
    for (const n of named) expect(exported, n).toContain(n.replace(/_(bucket|sum|count)$/, ''));
    // RED per service, the outbox, consumer lag, dead letters, the saga.
    for (const n of [
      'mp_http_requests_total',
      'mp_http_request_errors_total',
      'mp_http_request_duration_seconds_bucket',
      'mp_outbox_backlog',
      'mp_outbox_oldest_age_seconds',
      'mp_event_consumer_lag_seconds_bucket',
      'mp_events_consumed_total',
    ])
      expect(named).toContain(n);
    expect(exprs.some((e) => e.includes('outcome="dead_lettered"'))).toBe(true);
    // Each saga step is an event its service really subscribes to.
    for (const s of sagaSteps) expect(subscriptionsOf(s.service)).toContain(s.topic);
  });

  it('put the dashboard where Grafana’s sidecar looks, with its folder annotation', () => {
    const ms = render('default', [
      ...on,
      '--set',
      'metrics.dashboard.namespace=monitoring',
      '--set',
      'metrics.dashboard.annotations.grafana_folder=Marketplace',
    ]);
    const cm = ofKind(ms, 'ConfigMap').find((c) => c.metadata.name === 'marketplace-dashboard')!;
    expect(cm.metadata.namespace).toBe('monitoring');
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Marketplace' });
  });

  it('refuse a misspelt monitoring value', () => {
    expect(renderError('default', ['--set', 'metrics.podMonitr.enabled=true'])).toMatch(/podMonitr/);
  });
});
