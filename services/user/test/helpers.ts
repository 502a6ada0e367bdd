import { randomUUID } from 'node:crypto';
import type { Role } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  type TestService,
  type TestServiceOptions,
  tokenFor,
} from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type UserService = TestService<Database, any>;

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@example.kr`;

/** Signs a new account up through the public route and gives a token for it. */
export async function signUp(svc: UserService, role: Exclude<Role, 'admin'> = 'buyer', tag: string = role) {
  const email = uniqueEmail(tag);
  const res = await svc.call('POST', '/api/v1/users', {
    body: { email, password: 'correct horse', name: '김철수', phone: '010-1234-5678', role },
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, email, token: await tokenFor(res.body.id, role) };
}

/** The user service of one test file: started before its tests, closed after them. */
export function userForFile(o: TestServiceOptions = {}): UserService {
  return serviceForFile(() => startTestService(service, o), 'the user service');
}
