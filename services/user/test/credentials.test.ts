/**
 * An unknown email must cost the same as a wrong password, so that timing does not tell which
 * accounts exist: both run exactly one argon2id verification with the same parameters. (Wall-clock
 * figures are in bench/identity; tests never assert on time.)
 */
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it, vi } from 'vitest';
import { signUp, uniqueEmail, userForFile } from './helpers.ts';

const verified: string[] = [];
vi.mock('@node-rs/argon2', async (original) => {
  const real = await original<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: async (hash: string, password: string) => {
      verified.push(hash.split('$').slice(1, 4).join('$'));
      return real.verify(hash, password);
    },
  };
});

const svc = userForFile();

const check = (email: string, password: string) =>
  svc.call('POST', '/internal/credentials/verify', {
    body: { email, password },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });

describe('credential check timing', () => {
  it('does the same argon2id work for an unknown email as for a wrong password', async () => {
    const kim = await signUp(svc);
    verified.length = 0;
    const wrong = await check(kim.email, 'wrong horse');
    const wrongWork = [...verified];
    verified.length = 0;
    const unknown = await check(uniqueEmail(), 'wrong horse');
    const unknownWork = [...verified];
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrongWork).toHaveLength(1);
    expect(unknownWork).toEqual(wrongWork);
    expect(wrongWork[0]).toMatch(/^argon2id\$v=19\$m=65536,t=3,p=1$/);
  });
});
