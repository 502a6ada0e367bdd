/**
 * The error codes the API can answer, read from the sources with TypeScript's parser, and which
 * of them each service's routes can answer (docs/decisions/0052-error-codes-by-construction.md).
 *
 * A code is thrown through the kit's problem helpers (`notFound('ORDER_NOT_FOUND', …)`) or
 * `new ApiError(status, 'CODE', …)`. A function that hands its own parameter to one of those as
 * the code (`const field = (code, detail) => unprocessable(code, …)`) is a helper too, and its
 * calls are read in turn. Any other code that is not a literal fails the scan: a code the scan
 * cannot see would be a code the API reference does not list.
 *
 * What a service's routes can answer is its own codes, the codes the kit's functions throw, and
 * the 4xx problems of every service it invokes (packages/contracts/src/calls.ts), which the kit's
 * `dapr.invoke` passes through unchanged — followed through the callee's own calls.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { calls, type ServiceName, serviceNames } from '@mp/contracts';
import ts from 'typescript';
import { kitCodes } from '../../packages/platform/src/index.ts';

const root = join(import.meta.dirname, '..', '..');

export interface ErrorCode {
  code: string;
  status: number;
  /** The services that answer with it, or `kit` for the kit's own. */
  from: string[];
  /** A detail it is sent with, from the source. */
  detail: string;
}

/** How a helper call carries its problem: a fixed status or the argument holding it, and the code's. */
interface Thrower {
  status?: number;
  statusArg?: number;
  codeArg?: number;
  /** The code when its argument is left out (or the helper takes none). */
  code?: string;
  detailArg?: number;
  detail?: string;
}

/** The kit's helpers (packages/platform/src/errors.ts) and the error class itself. */
const kitThrowers: Record<string, Thrower> = {
  ApiError: { statusArg: 0, codeArg: 1, detailArg: 2 },
  badRequest: { status: 400, codeArg: 0, detailArg: 1 },
  validationFailed: { status: 400, code: 'VALIDATION_FAILED' },
  unauthorized: { status: 401, codeArg: 0, code: 'UNAUTHENTICATED', detailArg: 1 },
  forbidden: { status: 403, codeArg: 0, code: 'FORBIDDEN', detailArg: 1 },
  notFound: { status: 404, codeArg: 0, code: 'NOT_FOUND', detailArg: 1 },
  conflict: { status: 409, codeArg: 0, detailArg: 1 },
  payloadTooLarge: { status: 413, codeArg: 0, detailArg: 1 },
  unsupportedMediaType: { status: 415, codeArg: 0, detailArg: 1 },
  unprocessable: { status: 422, codeArg: 0, detailArg: 1 },
  tooManyRequests: { status: 429, codeArg: 0, detailArg: 1 },
  badGateway: { status: 502, codeArg: 0, detailArg: 1 },
  unavailable: { status: 503, codeArg: 0, detailArg: 1 },
};

/** The file that defines the helpers (its `code` parameters are the helpers' own). */
const helpersFile = join(root, 'packages', 'platform', 'src', 'errors.ts');
/**
 * The one place a code is not the thrower's own: `dapr.invoke` re-throws the callee's 4xx problem
 * (the callee's codes are followed through the call catalog instead). The comment marks it.
 */
const passThrough = 'error-codes: passed through';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory())
      return ['node_modules', 'test', 'testing'].includes(f) ? [] : filesUnder(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && p !== helpersFile ? [p] : [];
  });
}

type FunctionLike = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

/** The function that declares `name` as a parameter, around `node`, and the parameter's index. */
function paramOf(node: ts.Node, name: string): { fn: FunctionLike; index: number } | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (
      ts.isArrowFunction(n) ||
      ts.isFunctionExpression(n) ||
      ts.isFunctionDeclaration(n) ||
      ts.isMethodDeclaration(n)
    ) {
      const index = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (index >= 0) return { fn: n, index };
    }
  }
  return undefined;
}

/** The name a function is called by: its own, or the variable or property it is assigned to. */
function nameOf(fn: FunctionLike): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name))
    return fn.name.text;
  const p = fn.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name))
    return p.name.text;
  return undefined;
}

const textOf = (e: ts.Expression | undefined): string | undefined => {
  if (!e) return undefined;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isTemplateExpression(e))
    return e
      .getText()
      .slice(1, -1)
      .replace(/\$\{[^}]*\}/g, '…');
  return undefined;
};

/** Functions by name, among some files (for codes a function returns). */
type Functions = Map<string, FunctionLike>;

/**
 * The literal values an argument can take, or undefined when it is not made of literals: a
 * literal, a choice between literals, or a call of a function that only returns literals.
 */
function literals(e: ts.Expression, fns: Functions, seen = new Set<string>()): string[] | undefined {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))
    e = e.expression;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isNumericLiteral(e)) return [e.text];
  if (ts.isConditionalExpression(e)) {
    const a = literals(e.whenTrue, fns, seen);
    const b = literals(e.whenFalse, fns, seen);
    return a && b ? [...a, ...b] : undefined;
  }
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && !seen.has(e.expression.text)) {
    const fn = fns.get(e.expression.text);
    if (!fn?.body) return undefined;
    seen.add(e.expression.text);
    if (!ts.isBlock(fn.body)) return literals(fn.body, fns, seen);
    const out: string[] = [];
    let ok = true;
    const visit = (n: ts.Node): void => {
      if (n !== fn.body && ts.isFunctionLike(n)) return;
      if (ts.isReturnStatement(n)) {
        const l = n.expression && literals(n.expression, fns, seen);
        if (l) out.push(...l);
        else ok = false;
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
    return ok && out.length ? out : undefined;
  }
  return undefined;
}

/** The functions declared in some files, by name (declarations and functions assigned to a const). */
function functionsIn(files: ts.SourceFile[]): Functions {
  const fns: Functions = new Map();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) fns.set(n.name.text, n);
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.initializer &&
      (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))
    )
      fns.set(n.name.text, n.initializer);
    ts.forEachChild(n, visit);
  };
  for (const f of files) visit(f);
  return fns;
}

/** Names a file binds itself (a local `notFound` is not the kit's). */
function localNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if ((ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n)) && n.name && ts.isIdentifier(n.name))
      names.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(file);
  return names;
}

const calleeName = (e: ts.Expression): string | undefined =>
  ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;

const marked = (node: ts.Node): boolean => {
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    const text = n.getSourceFile().getFullText();
    if (
      ts
        .getLeadingCommentRanges(text, n.getFullStart())
        ?.some((r) => text.slice(r.pos, r.end).includes(passThrough))
    )
      return true;
    if (ts.isStatement(n)) break;
  }
  return false;
};

interface Source {
  from: string;
  files: ts.SourceFile[];
  /** Helpers found in this source (those of the kit are everyone's). */
  own: Map<string, Thrower>;
}
interface Scan {
  codes: ErrorCode[];
  sources: Source[];
  /** The codes each throwing call (a helper's or a wrapper's) answers with. */
  thrown: Map<ts.Node, { code: string; status: number }[]>;
}
let scanned: Scan | undefined;

/** Every code thrown in the services and the kit, with its status and who throws it. */
export const scanErrorCodes = (): ErrorCode[] => scan().codes;

const roots: [string, string[]][] = [
  ['kit', [join(root, 'packages', 'platform', 'src'), join(root, 'packages', 'documents', 'src')]],
  ...serviceNames.map((s) => [s, [join(root, 'services', s, 'src')]] as [string, string[]]),
];

function scan(): Scan {
  scanned ??= scanRoots(roots);
  return scanned;
}

/** The codes thrown in some directories, each `[who, dirs]` (for the generator's own test). */
export const scanSources = (dirs: [string, string[]][]): ErrorCode[] =>
  scanRoots([['kit', []], ...dirs]).codes;

function scanRoots(roots: [string, string[]][]): Scan {
  const thrown = new Map<ts.Node, { code: string; status: number }[]>();
  // By code and status: a few codes are answered with two statuses (OTP_INVALID: 401 when signing
  // in, 422 when setting two-factor up).
  const byCode = new Map<string, ErrorCode>();
  const add = (code: string, status: number, from: string, detail = '') => {
    const e = byCode.get(`${code} ${status}`) ?? { code, status, from: [], detail };
    if (!e.from.includes(from)) e.from.push(from);
    if (!e.detail && detail) e.detail = detail;
    byCode.set(`${code} ${status}`, e);
  };
  // The kit's codes that it answers by itself, not as a call (validation, tokens, overload…).
  add('VALIDATION_FAILED', 400, 'kit', 'The request is not valid; `errors` names the fields');
  add('UNAUTHENTICATED', 401, 'kit', 'A valid access token is required');
  add('ROUTE_NOT_FOUND', 404, 'kit', 'No route for this method and path');
  for (const group of Object.values(kitCodes))
    for (const [s, codes] of Object.entries(group)) for (const c of codes) add(c, Number(s), 'kit');

  const sources: Source[] = roots.map(([from, dirs]) => ({
    from,
    files: dirs
      .flatMap(filesUnder)
      .map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true)),
    own: new Map<string, Thrower>(),
  }));
  const fns = new Map(sources.map((src) => [src, functionsIn(src.files)]));
  const kit = sources[0]!;
  const throwerOf = (src: Source, name: string) =>
    kitThrowers[name] ?? src.own.get(name) ?? kit.own.get(name);

  let found = true;
  let problems: string[] = [];
  while (found) {
    found = false;
    problems = [];
    for (const src of sources) {
      for (const file of src.files) {
        const shadowed = localNames(file);
        const at = (n: ts.Node) =>
          `${relative(root, file.fileName)}:${file.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
        const visit = (node: ts.Node): void => {
          ts.forEachChild(node, visit);
          if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) return;
          const name = calleeName(node.expression);
          // The kit's helpers are called by name; a service's own may be methods too.
          if (!name) return;
          if (kitThrowers[name] && (ts.isPropertyAccessExpression(node.expression) || shadowed.has(name)))
            return;
          const t = throwerOf(src, name);
          if (!t || (name === 'ApiError') !== ts.isNewExpression(node)) return;
          const args = node.arguments ?? [];
          const codeArg = t.codeArg === undefined ? undefined : args[t.codeArg];
          const statusArg = t.statusArg === undefined ? undefined : args[t.statusArg];
          const known = fns.get(src)!;
          const codes = codeArg ? literals(codeArg, known) : t.code ? [t.code] : undefined;
          const statuses = t.status ? [String(t.status)] : statusArg ? literals(statusArg, known) : undefined;
          if (codes && statuses) {
            const detail =
              textOf(t.detailArg === undefined ? undefined : args[t.detailArg]) ?? t.detail ?? '';
            const pairs = codes.flatMap((code) => statuses.map((s) => ({ code, status: Number(s) })));
            for (const p of pairs) add(p.code, p.status, src.from, detail);
            thrown.set(node, pairs);
            return;
          }
          if (marked(node)) return;
          // A parameter handed on as the code (and the status, if it is not fixed) makes a helper.
          const codeParam = codeArg && ts.isIdentifier(codeArg) ? paramOf(node, codeArg.text) : undefined;
          const statusParam =
            statuses || !statusArg || !ts.isIdentifier(statusArg) ? undefined : paramOf(node, statusArg.text);
          const fn = codeParam?.fn ?? statusParam?.fn;
          const helper = fn && nameOf(fn);
          if (
            helper &&
            (codes || codeParam) &&
            (statuses || statusParam?.fn === fn) &&
            (!codeParam || codeParam.fn === fn)
          ) {
            const detailArg = t.detailArg === undefined ? undefined : args[t.detailArg];
            const detailParam =
              detailArg && ts.isIdentifier(detailArg) ? paramOf(node, detailArg.text) : undefined;
            const wrapper: Thrower = {
              ...(statuses ? { status: Number(statuses[0]) } : { statusArg: statusParam!.index }),
              ...(codeParam ? { codeArg: codeParam.index } : { code: codes![0] }),
              ...(detailParam?.fn === fn
                ? { detailArg: detailParam.index }
                : { detail: textOf(detailArg) ?? '' }),
            };
            if (!src.own.has(helper) && !kitThrowers[helper]) {
              src.own.set(helper, wrapper);
              found = true;
            }
            return;
          }
          problems.push(
            `${at(node)}: ${name}(…) with a code the scan cannot read; throw a literal code (or through a function that takes it as a parameter)`,
          );
        };
        visit(file);
      }
    }
  }
  if (problems.length) throw new Error(`error codes (scripts/gen/codes.ts):\n${problems.join('\n')}`);
  const codes = [...byCode.values()]
    .map((e) => ({
      ...e,
      from: e.from.sort((a, b) => (a === 'kit' ? -1 : b === 'kit' ? 1 : a.localeCompare(b))),
    }))
    .sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
  return { codes, sources, thrown };
}

/** A string written out, or made of consts of its file (`${base}/{id}`), or undefined. */
function constText(e: ts.Expression | undefined, file: ts.SourceFile): string | undefined {
  if (!e) return undefined;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isIdentifier(e)) {
    let found: ts.Expression | undefined;
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === e.text)
        found ??= n.initializer;
      ts.forEachChild(n, visit);
    };
    visit(file);
    return found && found !== e ? constText(found, file) : undefined;
  }
  if (ts.isTemplateExpression(e)) {
    let out = e.head.text;
    for (const span of e.templateSpans) {
      const part = constText(span.expression, file);
      if (part === undefined) return undefined;
      out += part + span.literal.text;
    }
    return out;
  }
  return undefined;
}

/** Declarations a name can refer to: functions, methods and classes, by name. */
function declarationsIn(files: ts.SourceFile[]): Map<string, ts.Node[]> {
  const decls = new Map<string, ts.Node[]>();
  const put = (name: ts.PropertyName | ts.BindingName | undefined, n: ts.Node) => {
    if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name)))
      decls.set(name.text, [...(decls.get(name.text) ?? []), n]);
  };
  const fnLike = (e: ts.Node | undefined) =>
    !!e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e));
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isMethodDeclaration(n)) put(n.name, n);
    else if (ts.isGetAccessorDeclaration(n)) put(n.name, n);
    else if (
      (ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n)) &&
      fnLike(n.initializer)
    )
      put(n.name, n);
    ts.forEachChild(n, visit);
  };
  for (const f of files) visit(f);
  return decls;
}

/** `/internal/users/{id}` and `/internal/users/{userId}` are one path. */
const shapeOf = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

type ByStatus = Record<number, string[]>;
const addTo = (into: Map<number, Set<string>>, status: number, code: string) =>
  into.set(status, (into.get(status) ?? new Set()).add(code));

/**
 * The codes each public and internal operation can answer, by `method path` (`post /api/v1/orders`),
 * for every service: what the file that declares the route throws, and what every function,
 * method or class it names throws in turn (by name, in the service and the kit: a name that two
 * declarations share counts for both), with the 4xx problems of the services it invokes, read the
 * same way from the callee's files that declare the invoked paths (the calls in
 * packages/contracts/src/calls.ts, narrowed by the path when it is written out).
 */
export function operationCodes(): Record<ServiceName, Map<string, ByStatus>> {
  const { sources, thrown, codes } = scan();
  const kit = sources[0]!;
  const byService = new Map(sources.slice(1).map((s) => [s.from as ServiceName, s]));
  const decls = new Map(sources.map((s) => [s, declarationsIn(s.files)]));
  const kitDecls = decls.get(kit)!;
  // A callee's internal routes also refuse bad input by themselves (the kit's validation).
  const refusedInput = codes.filter((c) =>
    [kitCodes.validation, kitCodes.body].some((g) =>
      Object.values(g)
        .flat()
        .includes(c.code as never),
    ),
  );

  /** The routes a file declares: `createRoute({ method, path })`, as `get /api/v1/orders/{id}`. */
  const declared = new Map<ts.SourceFile, string[]>();
  const routesOf = (file: ts.SourceFile): string[] => {
    const known = declared.get(file);
    if (known) return known;
    const out: string[] = [];
    declared.set(file, out);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && calleeName(n.expression) === 'createRoute' && n.arguments[0]) {
        const o = n.arguments[0];
        if (ts.isObjectLiteralExpression(o)) {
          const prop = (k: string) =>
            o.properties.find(
              (p): p is ts.PropertyAssignment =>
                ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === k,
            )?.initializer;
          const method = constText(prop('method'), file);
          const path = constText(prop('path'), file);
          if (method && path) out.push(`${method.toLowerCase()} ${path}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
    return out;
  };

  const fileCodes = new Map<ts.SourceFile, Map<number, Set<string>>>();
  const inProgress = new Set<ts.SourceFile>();
  /** What the routes of one file can answer. */
  const codesOfFile = (src: Source, file: ts.SourceFile): Map<number, Set<string>> => {
    const done = fileCodes.get(file);
    if (done) return done;
    const out = new Map<number, Set<string>>();
    if (inProgress.has(file)) return out;
    inProgress.add(file);
    const own = decls.get(src)!;
    const seen = new Set<ts.Node>([file]);
    const queue: ts.Node[] = [file];
    const invokes: ts.CallExpression[] = [];
    while (queue.length) {
      const root = queue.pop()!;
      const visit = (n: ts.Node): void => {
        for (const p of thrown.get(n) ?? []) addTo(out, p.status, p.code);
        // Only a service's own calls pass problems through (the kit's token verifier maps its own).
        if (
          ts.isCallExpression(n) &&
          (calleeName(n.expression) === 'invoke' || calleeName(n.expression) === 'call') &&
          src !== kit &&
          src.files.includes(n.getSourceFile())
        )
          invokes.push(n);
        const name = ts.isIdentifier(n) ? n.text : undefined;
        if (name)
          for (const d of [...(own.get(name) ?? []), ...(kitDecls.get(name) ?? [])])
            if (!seen.has(d)) {
              seen.add(d);
              queue.push(d);
            }
        ts.forEachChild(n, visit);
      };
      visit(root);
    }
    for (const call of invokes) {
      // `dapr.call('auth.passwordResets.get', …)` names its entry of the list; `invoke(app, path)` is matched by path.
      if (calleeName(call.expression) === 'call') {
        const name = call.arguments[0] && textOf(call.arguments[0]);
        const c =
          name !== undefined
            ? (calls as Record<string, (typeof calls)[keyof typeof calls]>)[name]
            : undefined;
        if (c) passThrough(c);
        continue;
      }
      const [app, path] = call.arguments;
      const appId = app && textOf(app);
      const written =
        path && ts.isTemplateExpression(path)
          ? new RegExp(`^${path.head.text.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}`)
          : path && textOf(path) !== undefined
            ? new RegExp(`^${textOf(path)!.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}$`)
            : undefined;
      for (const c of Object.values(calls)) {
        if (!(c.callers as readonly string[]).includes(src.from)) continue;
        if (appId && c.callee !== appId) continue;
        const example = c.path.replace(/\{[^}]+\}/g, 'x');
        if (written && !written.test(c.path) && !written.test(example)) continue;
        passThrough(c);
      }
    }
    function passThrough(c: (typeof calls)[keyof typeof calls]) {
      const target = byService.get(c.callee)!;
      const route = `${c.method.toLowerCase()} ${shapeOf(c.path)}`;
      const files = [...target.files, ...kit.files].filter((f) => routesOf(f).map(shapeOf).includes(route));
      if (!files.length)
        throw new Error(
          `${c.callee} declares no route for ${c.method} ${c.path} (packages/contracts/src/calls.ts)`,
        );
      for (const f of files) {
        const from = target.files.includes(f) ? target : kit;
        for (const [status, set] of codesOfFile(from, f))
          if (status >= 400 && status < 500) for (const code of set) addTo(out, status, code);
      }
      for (const e of refusedInput) addTo(out, e.status, e.code);
    }
    inProgress.delete(file);
    fileCodes.set(file, out);
    return out;
  };

  const result = {} as Record<ServiceName, Map<string, ByStatus>>;
  for (const [name, src] of byService) {
    const ops = new Map<string, ByStatus>();
    for (const file of [...src.files, ...kit.files]) {
      const routes = routesOf(file);
      if (!routes.length) continue;
      const from = src.files.includes(file) ? src : kit;
      const byStatus: ByStatus = {};
      for (const [status, set] of codesOfFile(from, file)) byStatus[status] = [...set].sort();
      for (const r of routes) ops.set(r, byStatus);
    }
    result[name] = ops;
  }
  return result;
}
