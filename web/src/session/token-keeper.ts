import type { Connection } from "../api/types";
import { expiryOf, REFRESH_LEAD_MS, refreshDelay, retryDelay } from "../time/expiry";

export interface TokenKeeperOptions {
  /** POST .../refresh/: a fresh connection object. */
  fetchFresh: () => Promise<Connection>;
  /** The server's clock (expires_at is the server's time). */
  now: () => number;
  /** A fresh connection arrived: hand it to the live call (Agora renews; Twilio keeps it for the next reconnect). */
  onFresh: (connection: Connection) => Promise<void> | void;
  /** Renewal failing (true) or working again (false): the only moment the person hears of tokens. */
  onTrouble: (failing: boolean) => void;
}

/**
 * Keeps the call's provider token fresh: renews it REFRESH_LEAD_MS before it expires, retries
 * failures quietly, and hands out a token good enough to (re)connect with. No timers run
 * between `stop` and the next `keep`.
 */
export class TokenKeeper {
  private connection: Connection | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<Connection> | undefined;

  constructor(private readonly options: TokenKeeperOptions) {}

  /** Looks after `connection` from now on. */
  keep(connection: Connection): void {
    this.connection = connection;
    this.schedule(refreshDelay(expiryOf(connection), this.options.now()));
  }

  /**
   * A connection to (re)connect with: the current one if it is not about to expire, otherwise
   * a fresh one. `force`: the provider just refused the current one.
   */
  async usable(initial: Connection | null, force = false): Promise<Connection> {
    const candidate = this.connection ?? initial;
    if (!force && candidate && expiryOf(candidate) - this.options.now() > REFRESH_LEAD_MS) return candidate;
    return this.fetch();
  }

  /** Renews now (the provider asked, or the timer fired). */
  async refreshNow(): Promise<void> {
    const before = this.connection;
    try {
      const fresh = await this.fetch();
      await this.options.onFresh(fresh);
      this.options.onTrouble(false);
      // Near the room's closing a renewal cannot last longer (it ends when the room closes):
      // asking again would only repeat the same answer, in a loop, until then.
      if (before && expiryOf(fresh) <= expiryOf(before)) {
        this.stop();
        return;
      }
      this.keep(fresh);
    } catch {
      this.options.onTrouble(true);
      const expiresAt = this.connection ? expiryOf(this.connection) : this.options.now();
      this.schedule(retryDelay(expiresAt, this.options.now()));
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One request at a time: the timer and a provider's warning may both ask at once. */
  private fetch(): Promise<Connection> {
    this.inFlight ??= this.options.fetchFresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight.then((fresh) => {
      this.connection = fresh;
      return fresh;
    });
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshNow(), delay);
  }
}
