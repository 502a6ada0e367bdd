import { ApiError, conflict, type Dapr, type Logger } from '@mp/platform';

/**
 * Sold out at the door. After inventory refused a SKU with none left, the SKU is suspect: a
 * placement of it first asks inventory how many units are available now (one indexed read, no
 * transaction) instead of quoting, recording a checkout attempt and reserving. A buyer is refused
 * here only on an answer read after their request arrived that shows fewer units than they ask
 * for, so a unit released by a cancelled or expired reservation is sellable at once; the
 * suspicion itself is only a hint, per process, and ends when a read shows units again.
 * Concurrent requests for a suspect SKU share reads: a request joins the next read to start,
 * never one that started before it arrived, so a burst of a thousand costs a few reads.
 */
export class SoldOutDoor {
  private readonly suspects = new Set<string>();
  private readonly watchers = new Set<(sku: string) => void>();
  private readonly reads = new Map<
    string,
    { running?: Promise<number | null>; next?: Promise<number | null> }
  >();
  private readonly dapr: Dapr;
  private readonly log: Logger;

  constructor(dapr: Dapr, log: Logger) {
    this.dapr = dapr;
    this.log = log;
  }

  /** Inventory refused a SKU with `available` units left. */
  refused(sku: string, available: number): void {
    if (available > 0) return;
    this.suspects.add(sku);
    for (const w of this.watchers) w(sku);
  }

  /**
   * For a placement waiting its turn in the admission queue: each time one of `skus` turns
   * suspect, `check` runs (the door, `atTheDoor`), and `refused` rejects with what it threw. A
   * buyer queued behind a flash sale's placements is then answered when the SKU sells out, not
   * when their turn comes behind the winners. `stop` ends the watch (the turn has come).
   */
  watch(skus: readonly string[], check: () => Promise<void>): { refused: Promise<never>; stop(): void } {
    let stop!: () => void;
    const refused = new Promise<never>((_, reject) => {
      let checking = false;
      let again = false;
      const run = () => {
        checking = true;
        again = false;
        check().then(
          () => {
            checking = false;
            if (again) run();
          },
          (err) => {
            stop();
            reject(err);
          },
        );
      };
      const onSuspect = (sku: string) => {
        if (!skus.includes(sku)) return;
        if (checking) again = true;
        else run();
      };
      this.watchers.add(onSuspect);
      stop = () => this.watchers.delete(onSuspect);
    });
    // Whoever races it handles the rejection; a watch stopped in time never rejects.
    refused.catch(() => {});
    return { refused, stop };
  }

  isSuspect(sku: string): boolean {
    return this.suspects.has(sku);
  }

  /** Throws 409 OUT_OF_STOCK (inventory's answer) when a suspect line cannot be had now. */
  async admit(lines: { sku: string; quantity: number }[]): Promise<void> {
    const suspect = lines.map((l, i) => ({ ...l, i })).filter((l) => this.suspects.has(l.sku));
    if (!suspect.length) return;
    const short: { path: string; message: string; sku: string; available: number }[] = [];
    await Promise.all(
      suspect.map(async (l) => {
        const available = await this.available(l.sku);
        if (available === null) return; // unknown, off sale or unreadable: the full placement answers
        if (available > 0) this.suspects.delete(l.sku);
        if (available < l.quantity)
          short.push({
            path: `items.${l.i}.quantity`,
            message: `only ${available} available`,
            sku: l.sku,
            available,
          });
      }),
    );
    if (short.length) throw conflict('OUT_OF_STOCK', 'Not enough stock for this order', { errors: short });
  }

  /** A read of the SKU's availability that starts after this call. */
  private available(sku: string): Promise<number | null> {
    const s = this.reads.get(sku) ?? {};
    this.reads.set(sku, s);
    if (s.next) return s.next;
    if (!s.running) return this.start(sku, s);
    s.next = s.running.then(() => {
      s.next = undefined;
      return this.start(sku, s);
    });
    return s.next;
  }

  private start(
    sku: string,
    s: { running?: Promise<number | null>; next?: unknown },
  ): Promise<number | null> {
    const read = this.read(sku).finally(() => {
      if (s.running === read) s.running = undefined;
      if (!s.running && !s.next) this.reads.delete(sku);
    });
    s.running = read;
    return read;
  }

  private async read(sku: string): Promise<number | null> {
    try {
      const reply = await this.dapr.call('inventory.availability.read', {
        body: { skus: [sku] },
        timeoutMs: 3000,
      });
      return reply.items[0]?.available ?? null;
    } catch (err) {
      // The door fails open: without an answer, the buyer goes the whole way.
      this.log.warn(
        { err: err instanceof ApiError ? err.message : err, sku },
        'availability unknown at the door',
      );
      return null;
    }
  }
}
