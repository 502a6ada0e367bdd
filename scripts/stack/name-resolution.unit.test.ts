import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { unregistered } from './name-resolution.ts';

const dir = mkdtempSync(join(tmpdir(), 'nr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A name-resolution file as Dapr's SQLite resolver writes it (its `hosts` table). */
function resolverFile(hosts: { appId: string; ageSeconds: number }[]): string {
  const file = join(dir, `${hosts.map((h) => h.appId).join('-') || 'empty'}.db`);
  const db = new DatabaseSync(file);
  db.exec(`create table hosts (registration_id text not null primary key, address text not null,
    app_id text not null, namespace text not null, last_update integer not null)`);
  const insert = db.prepare("insert into hosts values (?, ?, ?, '', unixepoch() - ?)");
  for (const [i, h] of hosts.entries()) insert.run(`r${i}`, `127.0.0.1:${50000 + i}`, h.appId, h.ageSeconds);
  db.close();
  return file;
}

describe('which sidecars the others cannot find', () => {
  it('names an app id with no address, or only a stale one', () => {
    const file = resolverFile([
      { appId: 'order', ageSeconds: 1 },
      { appId: 'payment', ageSeconds: 1 },
      { appId: 'auth', ageSeconds: 3600 },
    ]);
    expect(unregistered(file, ['order', 'payment', 'auth', 'user'])).toEqual(['auth', 'user']);
  });

  it('names every app id when the file is missing or not a resolver file', () => {
    expect(unregistered(join(dir, 'missing.db'), ['order', 'auth'])).toEqual(['order', 'auth']);
    const other = join(dir, 'other.db');
    new DatabaseSync(other).close();
    expect(unregistered(other, ['order'])).toEqual(['order']);
  });
});
