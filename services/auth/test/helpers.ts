import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, type Role } from '@mp/platform';
import { serviceForFile, startTestService, type TestService } from '@mp/platform/testing';
import type { AuthContext } from '../src/context.ts';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type AuthService = TestService<Database, any, AuthContext>;

interface FakeAccount {
  userId: string;
  email: string;
  password: string | null;
  name: string;
  role: Role;
  status: 'ACTIVE' | 'SUSPENDED' | 'DELETED';
  /** Whether the account proved its email (user's email_verified_at). */
  verified: boolean;
}

/**
 * The user service's internal routes as its own tests prove them (credentials, `GET /internal/users/{id}`, lookup,
 * external identities, password), kept in memory. Unknown routes fall through to "unreachable".
 */
export class FakeUsers {
  readonly accounts = new Map<string, FakeAccount>();
  down = false;

  add(o: Partial<FakeAccount> & { email?: string } = {}): FakeAccount {
    const a: FakeAccount = {
      userId: randomUUID(),
      email: o.email ?? `user-${randomUUID().slice(0, 8)}@example.kr`,
      password: 'password' in o ? (o.password ?? null) : 'correct horse',
      name: o.name ?? '김철수',
      role: o.role ?? 'buyer',
      status: o.status ?? 'ACTIVE',
      verified: o.verified ?? true,
    };
    this.accounts.set(a.userId, a);
    return a;
  }

  private byEmail(email: string) {
    return [...this.accounts.values()].find(
      (a) => a.email.toLowerCase() === email.toLowerCase() && a.status !== 'DELETED',
    );
  }

  private view(a: FakeAccount) {
    return {
      userId: a.userId,
      email: a.email,
      name: a.name,
      phone: null,
      role: a.role,
      status: a.status,
      emailVerified: a.verified,
    };
  }

  private route(key: string): ((body: any) => unknown) | undefined {
    const [app, method, path] = key.split(' ');
    if (app !== 'user' || !path) return undefined;
    return (body: any) => {
      if (this.down) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'user could not be reached');
      if (method === 'POST' && path === '/internal/credentials/verify') {
        const a = this.byEmail(body.email);
        if (!a || a.password === null || a.password !== body.password)
          throw new ApiError(401, 'INVALID_CREDENTIALS', 'The email or password is wrong');
        return { userId: a.userId, role: a.role, status: a.status, email: a.email };
      }
      if (method === 'POST' && path === '/internal/users/lookup') {
        const a = this.byEmail(body.email);
        if (!a) throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
        return { ...this.view(a), hasPassword: a.password !== null };
      }
      if (method === 'POST' && path === '/internal/users/external') {
        const a = this.byEmail(body.email);
        if (a && !body.emailVerified)
          throw new ApiError(409, 'ACCOUNT_EXISTS', 'An account with this email exists');
        if (a && !a.verified) {
          // A never-verified account is taken by the email's proven owner: its password goes.
          const takenOver = a.password !== null;
          Object.assign(a, { password: null, verified: true });
          return { ...this.view(a), created: false, takenOver };
        }
        if (a) return { ...this.view(a), created: false, takenOver: false };
        return {
          ...this.view(this.add({ email: body.email, password: null, name: body.name })),
          created: true,
          takenOver: false,
        };
      }
      const verified = /^\/internal\/users\/([^/]+)\/email-verified$/.exec(path);
      if (method === 'POST' && verified) {
        const v = this.accounts.get(decodeURIComponent(verified[1]!));
        if (!v) throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
        v.verified = true;
        return undefined;
      }
      const id = /^\/internal\/users\/([^/]+)(\/password)?$/.exec(path);
      const a = id ? this.accounts.get(decodeURIComponent(id[1]!)) : undefined;
      if (id && !a) throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
      if (a && method === 'GET' && !id![2]) return this.view(a);
      if (a && method === 'PUT' && id![2]) {
        a.password = body.password;
        return undefined;
      }
      return undefined;
    };
  }

  /** The invoke doubles, keyed `user METHOD /path` as the kit looks them up. */
  doubles(): Record<string, (body: unknown) => unknown> {
    return new Proxy({}, { get: (_t, key) => (typeof key === 'string' ? this.route(key) : undefined) });
  }
}

export const PUBLIC_BASE = 'http://auth.test';

export async function startAuth(users: FakeUsers, env: Record<string, string> = {}) {
  const svc: AuthService = await startTestService(service, {
    env: {
      AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PUBLIC_BASE_URL: PUBLIC_BASE,
      // Throttling that tests can reach quickly, with delays recorded instead of waited out.
      LOGIN_ACCOUNT_SLOW_AFTER: '3',
      LOGIN_ACCOUNT_BLOCK_AFTER: '5',
      LOGIN_IP_SLOW_AFTER: '8',
      LOGIN_IP_BLOCK_AFTER: '12',
      ...env,
    },
    invoke: users.doubles(),
  });
  const delays: number[] = [];
  svc.ctx.throttle.sleep = async (ms) => {
    delays.push(ms);
  };
  return Object.assign(svc, { delays });
}

export async function login(svc: AuthService, email: string, password = 'correct horse', extra: object = {}) {
  // Each from its own client address (through the local gateway), so address limits stay out of the way.
  return svc.call('POST', '/api/v1/auth/login', {
    body: { email, password, ...extra },
    headers: { 'x-forwarded-for': ipOf() },
  });
}

/** An IP per test, so client-address throttling of one test does not reach another. */
export const ipOf = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** The auth service of one test file: started before its tests, closed after them. */
export function authForFile(users: FakeUsers, env: Record<string, string> = {}) {
  return serviceForFile(() => startAuth(users, env), 'the auth service');
}
