/**
 * Dapr access control from the list of synchronous calls (packages/contracts/src/calls.ts): for
 * each app, the policy its sidecar applies to incoming invocations, one entry per caller with
 * exactly the operations (path and HTTP verbs) that caller uses; everything else is denied.
 * The local runner (scripts/stack/plan.ts) and the Helm chart (generated/access.yaml) both use it,
 * as they do the pubsub component's scopes from the event catalog (`pubsubScopes`, at the end).
 *
 * Dapr matches an operation segment by segment (pkg/config/acl_trie.go in Dapr 1.18):
 *  - `/*` matches one last segment (and, when the path ends before it, the path without it);
 *  - `/**` in the middle matches one segment, at the end any rest;
 *  - the first operation met along the path that has a policy wins, so an operation must not be
 *    a prefix of another one of the same caller (its verbs would decide for the longer path);
 *  - siblings are tried in the order they were written, without backtracking, so literal
 *    segments come before `*`, and `*` before `**`;
 *  - one operation name holds one entry: the verbs of calls on the same path are merged.
 * `daprAllows` below is that matching, so the chart test can check the generated policies.
 */
import {
  type CallSpec,
  callNames,
  calls,
  deadLetterTopic,
  eventTypes,
  monitorService,
  publicationsOf,
  type ServiceName,
  serviceNames,
  subscriptionsOf,
} from '@mp/contracts';

export interface Operation {
  name: string;
  httpVerb: string[];
  action: 'allow' | 'deny';
}

export interface CallerPolicy {
  appId: ServiceName;
  operations: Operation[];
}

/** A path template as a Dapr operation: `{x}` is `*` at the end, `**` in the middle. */
function operationOf(path: string): string[] {
  const parts = path.split('/').slice(1);
  return parts.map((p, i) => (/^\{[^}]+\}$/.test(p) ? (i === parts.length - 1 ? '*' : '**') : p));
}

const rank = (s: string) => (s === '**' ? 2 : s === '*' ? 1 : 0);
function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = rank(a[i]!) - rank(b[i]!);
    if (r !== 0) return r;
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** The operations `caller` may invoke on `callee`, in the order Dapr needs them. */
export function operationsFor(callee: ServiceName, caller: ServiceName): Operation[] {
  const verbs = new Map<string, { segments: string[]; verbs: Set<string> }>();
  const add = (segments: string[], verb: string) => {
    const key = segments.join('/');
    const e = verbs.get(key) ?? { segments, verbs: new Set<string>() };
    e.verbs.add(verb);
    verbs.set(key, e);
  };
  const mine = callNames
    .map((n) => calls[n] as CallSpec)
    .filter((c) => c.callee === callee && c.callers.includes(caller));
  const ops = mine.map((c) => ({ segments: operationOf(c.path), verb: c.method }));
  for (const op of ops) {
    // An operation that is a prefix of a longer one would decide for it: it becomes `<it>/*`,
    // which Dapr also applies to the path itself (and widens it to one segment below).
    const prefixOfAnother = ops.some(
      (o) => o.segments.length > op.segments.length && op.segments.every((s, i) => s === o.segments[i]),
    );
    add(prefixOfAnother ? [...op.segments, '*'] : op.segments, op.verb);
  }
  return [...verbs.values()]
    .sort((a, b) => compareSegments(a.segments, b.segments))
    .map((e) => ({ name: `/${e.segments.join('/')}`, httpVerb: [...e.verbs].sort(), action: 'allow' }));
}

/** Per app: one policy per app that calls it (apps nobody calls get none: every invocation is denied). */
export function accessPolicies(): Record<ServiceName, CallerPolicy[]> {
  const out = {} as Record<ServiceName, CallerPolicy[]>;
  for (const callee of serviceNames) {
    out[callee] = serviceNames
      .filter((caller) => operationsFor(callee, caller).length > 0)
      .map((caller) => ({ appId: caller, operations: operationsFor(callee, caller) }));
  }
  return out;
}

/** The `accessControl` of an app's Dapr Configuration. */
export function accessControl(callee: ServiceName, trustDomain: string, namespace: string) {
  return {
    defaultAction: 'deny',
    trustDomain,
    policies: accessPolicies()[callee].map((p) => ({
      appId: p.appId,
      defaultAction: 'deny',
      trustDomain,
      namespace,
      operations: p.operations,
    })),
  };
}

/**
 * The `metric` of every app's Dapr Configuration. A sidecar labels its HTTP metrics with the
 * request's path; Dapr's legacy labels (`increasedCardinality`, the default) keep an invocation's
 * path whole, so every id in a path (`/internal/email-verifications/<id>`, on the callee's sidecar
 * and on each caller's) made new series that lived as long as the sidecar: its memory and every
 * scrape grew with each sign-up. `pathMatching` lists the calls' paths that hold an id as templates
 * (Go's `ServeMux` patterns, as `{id}` is written in the list of calls); Dapr labels a matching
 * path, called directly or through `/v1.0/invoke/{app_id}/method`, with its template. Other paths
 * keep the legacy labels, which name the topic, the store or the binding and never a key.
 */
export function metricSpec() {
  const templated = callNames.map((n) => (calls[n] as CallSpec).path).filter((p) => p.includes('{'));
  return {
    enabled: true,
    http: { increasedCardinality: true, pathMatching: [...new Set(templated)].sort() },
  };
}

// ---- Dapr's matching (pkg/config/acl_trie.go, pkg/acl/acl.go), to check the policies ------------

interface Node {
  char: string;
  data?: Operation;
  subs: Node[];
}

function isMatch(target: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '.*')}$`, 's');
  return re.test(target);
}

function findWithWildcard(char: string, nodes: Node[], isEnd: boolean): Node | undefined {
  for (const n of nodes) {
    if (n.char === char) return n;
    if (n.char === '/*') {
      if (isEnd) return n;
      continue;
    }
    if (n.char === '/**') return n;
    if (isMatch(char, n.char)) return n;
  }
  return undefined;
}

function trieOf(operations: Operation[]): Node {
  const root: Node = { char: '/', subs: [] };
  for (const op of operations) {
    const parts = op.name.toLowerCase().split('/');
    let node = root;
    for (let i = 1; i < parts.length; i++) {
      const char = `/${parts[i]}`;
      const last = i === parts.length - 1;
      let sub = node.subs.find((s) => s.char === char);
      if (!sub) {
        sub = { char, subs: [], ...(last ? { data: op } : {}) };
        node.subs.push(sub);
      } else if (last && !sub.data) sub.data = op;
      node = sub;
    }
  }
  return root;
}

function search(root: Node, operation: string): Operation | undefined {
  const parts = operation.split('/');
  let node: Node | undefined = root;
  for (let i = 1; i < parts.length; i++) {
    const isEnd = i === parts.length - 1;
    node = findWithWildcard(`/${parts[i]}`, node.subs, isEnd);
    if (!node) return undefined;
    if (node.data) {
      if (!isEnd && node.char.endsWith('/*') && !node.char.endsWith('/**')) continue;
      return node.data;
    }
    if (isEnd) {
      const w = findWithWildcard('/*', node.subs, isEnd);
      return w?.data;
    }
  }
  return undefined;
}

/** Whether a caller's policy (its operations, as written) lets it send `method path`. */
export function operationsAllow(operations: Operation[], method: string, path: string): boolean {
  const op = search(trieOf(operations), path.toLowerCase());
  if (!op) return false;
  const verb = op.httpVerb.includes(method) ? op.action : op.httpVerb.includes('*') ? op.action : 'deny';
  return verb === 'allow';
}

/** Whether `callee`'s sidecar, under the generated policy, lets `caller` send `method path`. */
export function daprAllows(callee: ServiceName, caller: ServiceName, method: string, path: string): boolean {
  const policy = accessPolicies()[callee].find((p) => p.appId === caller);
  return policy ? operationsAllow(policy.operations, method, path) : false;
}

// ---- pub/sub scopes ---------------------------------------------------------------------------

/**
 * The pubsub component's scopes, from the event catalog: each app may publish only its own events
 * (and the dead-letter topic, which its sidecar publishes to when a delivery to it fails) and
 * subscribe only to the events it consumes (the monitor, admin, to all and to the dead letters).
 * The monitor may also publish every event: an operator's dead-letter replay publishes the kept
 * envelope again, unchanged, on its own topic (docs/decisions/0030-trust-model.md).
 * Every app is named, with an empty list when it has none, since Dapr lets an app that is not
 * named use every topic; `allowedTopics` refuses any topic outside the catalog to everyone.
 */
export function pubsubScopes(): { name: string; value: string }[] {
  const list = (f: (s: ServiceName) => string[]) =>
    serviceNames.map((s) => `${s}=${f(s).join(',')}`).join(';');
  const subscribed = (s: ServiceName): string[] =>
    s === monitorService ? [...subscriptionsOf(s), deadLetterTopic] : subscriptionsOf(s);
  const published = (s: ServiceName): string[] =>
    s === monitorService
      ? [...eventTypes, deadLetterTopic]
      : [...publicationsOf(s), ...(subscribed(s).length ? [deadLetterTopic] : [])];
  return [
    { name: 'publishingScopes', value: list(published) },
    { name: 'subscriptionScopes', value: list(subscribed) },
    { name: 'allowedTopics', value: [...eventTypes, deadLetterTopic].join(',') },
  ];
}
