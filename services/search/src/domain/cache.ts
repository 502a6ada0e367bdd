import { createHash } from 'node:crypto';
import type { Dapr, Logger } from '@mp/platform';

/**
 * Cached first pages of hot queries, in a Dapr state store (Redis locally) with a short TTL: a
 * burst of the same search is answered from the cache, and a change shows within the TTL. The
 * cache only ever speeds things up: when it is unreachable, searches go to the index.
 */
export class HotQueryCache {
  private readonly dapr: Dapr;
  private readonly store: string;
  private readonly ttlSeconds: number;
  private readonly log: Logger;

  constructor(dapr: Dapr, store: string, ttlSeconds: number, log: Logger) {
    this.dapr = dapr;
    this.store = store;
    this.ttlSeconds = ttlSeconds;
    this.log = log;
  }

  key(query: unknown): string {
    return `search:${createHash('sha256').update(JSON.stringify(query)).digest('base64url')}`;
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.ttlSeconds) return undefined;
    try {
      return (await this.dapr.getState<T>(this.store, key)).value ?? undefined;
    } catch (err) {
      this.log.warn({ err }, 'search cache unreachable');
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    if (!this.ttlSeconds) return;
    await this.dapr.saveState(this.store, key, value, { ttlSeconds: this.ttlSeconds }).catch((err) => {
      this.log.warn({ err }, 'search cache unreachable');
    });
  }
}
