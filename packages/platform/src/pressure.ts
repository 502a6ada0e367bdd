/**
 * Who goes first on a service's cores when both want them: the buyers at its door, or the sagas
 * behind them (decision 0063). Two signals, each bounded so neither side is ever starved:
 *
 * - `Crowd`: more buyers at the door at once than it serves at once (a flash sale's burst). While
 *   crowded, the outbox relay holds back the events that start new sagas (`RelayHold`) for at most
 *   `maxHoldMs` each, so the answers to the burst are not queued behind the winners' sagas.
 * - `SagaLag`: the service's own consumers see their events arrive late (the delivery's time less
 *   the event's `timestamp`): the sagas behind the door are falling behind. New placements then
 *   go through the door at a pace (`Pacer`), each waiting at most `maxWaitMs`, so the placements
 *   follow what the sagas carry instead of piling a backlog of sagas behind them.
 */

/** The buyers at a door: how many requests are in it now, and whether that is a crowd. */
export class Crowd {
  private inside = 0;
  private crowdedUntil = 0;
  private formedAt = 0;
  private readonly quiet = new Set<() => void>();
  private readonly forming = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly crowdAt: number;
  private readonly settleMs: number;

  /**
   * @param crowdAt requests at the door at once from which it is a crowd (order: more than its
   *   placements run at once)
   * @param settleMs a crowd lasts this long after the last moment there were `crowdAt` inside: a
   *   burst's requests reach the app in waves as its event loop gets the CPU
   */
  constructor(crowdAt: number, settleMs: number) {
    this.crowdAt = crowdAt;
    this.settleMs = settleMs;
  }

  /** A request entered the door; call the returned function when it has its answer. */
  enter(): () => void {
    this.inside++;
    if (this.inside >= this.crowdAt && this.crowdedUntil !== Number.POSITIVE_INFINITY) {
      const formed = !this.crowded;
      this.crowdedUntil = Number.POSITIVE_INFINITY;
      if (formed) {
        this.formedAt = Date.now();
        for (const cb of this.forming) cb();
      }
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inside--;
      if (this.inside === this.crowdAt - 1 && this.crowdedUntil === Number.POSITIVE_INFINITY) {
        this.crowdedUntil = Date.now() + this.settleMs;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.settle(), this.settleMs + 1);
        this.timer.unref();
      }
    };
  }

  get crowded(): boolean {
    return Date.now() < this.crowdedUntil;
  }

  /** How long (ms) the crowd at the door has been one; 0 without a crowd. */
  get age(): number {
    return this.crowded ? Date.now() - this.formedAt : 0;
  }

  /** Requests at the door now. */
  get size(): number {
    return this.inside;
  }

  /** `cb` runs each time a crowd forms. */
  onCrowd(cb: () => void): void {
    this.forming.add(cb);
  }

  /** `cb` runs each time a crowd has gone. */
  onQuiet(cb: () => void): void {
    this.quiet.add(cb);
  }

  private settle() {
    if (this.crowded) return;
    for (const cb of this.quiet) cb();
  }
}

/**
 * How late the service's own consumers see their events: the largest lag of the deliveries handled
 * in the last `windowMs` (none handled: no lag).
 */
export class SagaLag {
  private current = { since: 0, most: 0 };
  private previous = { since: 0, most: 0 };
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(windowMs = 1000, now: () => number = Date.now) {
    this.windowMs = windowMs;
    this.now = now;
  }

  /** A delivery was handled; `eventTime` is its event's `timestamp`. */
  observe(eventTime: string | undefined): void {
    const at = eventTime ? Date.parse(eventTime) : Number.NaN;
    if (!Number.isFinite(at)) return;
    const now = this.now();
    this.roll(now);
    this.current.most = Math.max(this.current.most, now - at);
  }

  /** The largest lag (ms) among the deliveries of the last window. */
  get ms(): number {
    this.roll(this.now());
    return Math.max(this.current.most, this.previous.most);
  }

  private roll(now: number) {
    if (now - this.current.since < this.windowMs) return;
    this.previous = now - this.current.since < 2 * this.windowMs ? this.current : { since: 0, most: 0 };
    this.current = { since: now, most: 0 };
  }
}

export interface PacerOptions {
  /** Above this lag (ms) the sagas are falling behind. */
  targetMs: number;
  /** No placement waits longer than this for its turn (delayed, never refused or starved). */
  maxWaitMs: number;
  /** How often the pace is adjusted to the lag. */
  windowMs?: number;
  /** The first gap between placements once the sagas lag (50 ms: 20 a second), and the widest (1 s). */
  firstGapMs?: number;
  widestGapMs?: number;
  /**
   * True while a burst goes through unpaced: a crowd whose new sagas the outbox relay holds back
   * anyway (`RelayHold`), for as long as that hold lasts. Pacing it too would only make the burst's
   * buyers wait for their answers, a gap each, behind sagas that are not started.
   */
  burst?: () => boolean;
  /** Told when the door starts pacing (a gap, the lag that started it) and when it is open again (0). */
  onChange?: (gapMs: number, lagMs: number) => void;
}

/**
 * Lets placements through the door at a pace the sagas keep up with. Open while the lag is at or
 * under its target; once above, placements go one at a time, a gap apart, first come first served,
 * the gap widening by half each window the lag stays above and narrowing by a quarter each window
 * it is under, until the door is open again. No placement waits longer than `maxWaitMs`.
 */
export class Pacer {
  private gapMs = 0;
  private next = 0;
  private adjusted = 0;
  private readonly lag: SagaLag;
  private readonly o: Required<Omit<PacerOptions, 'onChange' | 'burst'>> &
    Pick<PacerOptions, 'onChange' | 'burst'>;
  private readonly now: () => number;

  constructor(lag: SagaLag, o: PacerOptions, now: () => number = Date.now) {
    this.lag = lag;
    this.o = { windowMs: 500, firstGapMs: 50, widestGapMs: 1000, ...o };
    this.now = now;
  }

  /** The gap between placements now (0: the door is open). */
  get gap(): number {
    this.adjust();
    return this.gapMs;
  }

  /** Resolves when this placement's turn has come; with how long it waited (ms). */
  async turn(): Promise<number> {
    if (!this.o.targetMs || this.o.burst?.()) return 0;
    const gap = this.gap;
    if (!gap) return 0;
    const now = this.now();
    // The schedule never runs further ahead than the bound: past it, turns share its last slot.
    const at = Math.min(Math.max(now, this.next), now + this.o.maxWaitMs);
    this.next = at + gap;
    const wait = at - now;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return wait;
  }

  private adjust() {
    const now = this.now();
    const behind = this.lag.ms > this.o.targetMs;
    // An open door closes at once; a pace changes once a window.
    if (now - this.adjusted < this.o.windowMs && (this.gapMs || !behind)) return;
    // Windows nobody asked in count too: after a quiet spell the door is as open as if it had
    // narrowed every window since (a flash sale after a busy hour is not paced by that hour).
    const windows = this.adjusted ? Math.max(1, Math.floor((now - this.adjusted) / this.o.windowMs)) : 1;
    this.adjusted = now;
    const was = this.gapMs;
    if (behind) this.gapMs = this.gapMs ? Math.min(this.o.widestGapMs, this.gapMs * 1.5) : this.o.firstGapMs;
    else if (this.gapMs) {
      const narrowed = this.gapMs * 0.75 ** windows;
      this.gapMs = narrowed < this.o.firstGapMs / 2 ? 0 : narrowed;
    }
    if (Boolean(was) !== Boolean(this.gapMs)) this.o.onChange?.(this.gapMs, this.lag.ms);
  }
}

/**
 * Events the outbox relay holds back while `holding()` (the door is crowded): rows of `topics` wait
 * until it is not, or until they are `maxMs` old, whichever is first; every other row, and every
 * later row of a held row's aggregate once it goes, is published as usual.
 */
export interface RelayHold {
  topics: readonly string[];
  holding(): boolean;
  maxMs: number;
  /** Registers the relay's wake-up for when holding ends. */
  released(wake: () => void): void;
}
