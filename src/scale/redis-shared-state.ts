import { Redis } from 'ioredis';
import type { PersonSnapshot } from '../core.js';
import type { SharedPerson, SharedState } from './shared-state.js';

/** Options of the Redis SharedState. */
export interface RedisSharedStateOptions {
  redisUrl: string;
  /** Prefix of every key (default `wellness0`), as for the person stream and the limits. */
  namespace?: string;
  /**
   * How long a person's conversations are kept after their last turn (HISTORY_IDLE_MINUTES):
   * past it they are forgotten anyway. Their safety settings stay until they change or forget them.
   */
  idleExpiryMs: number;
  /** Told of connection errors (codes only). */
  onError?: (error: unknown) => void;
}

// An answer's progress is kept for a week: longer than any redelivery of its message.
const progressSeconds = 7 * 24 * 3_600;
// Longer than any memory write waits in a worker's queue (its dead letters are kept 7 days).
const forgottenSeconds = 30 * 24 * 3_600;
// A thread is followed for a person for 30 days after they last mentioned the bot there.
const followSeconds = 30 * 24 * 3_600;

type Safety = PersonSnapshot['safety'];
type ShortTerm = Omit<PersonSnapshot, 'safety'> & Pick<SharedPerson, 'confirmations'>;

/**
 * SharedState in Redis. Keys are per message, thread and person, each with an expiry except a
 * person's safety settings (kept like SAFETY settings in the single process: until changed or
 * forgotten). Everything here is what the single process keeps in its memory and DATA_DIR;
 * run Redis with persistence (`appendonly yes`) so that a Redis restart loses none of it.
 */
export function createRedisSharedState(options: RedisSharedStateOptions): SharedState {
  const prefix = `${options.namespace ?? 'wellness0'}:state`;
  const client = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 3,
    connectionName: `${options.namespace ?? 'wellness0'}-state`,
  });
  client.on('error', (error: unknown) => options.onError?.(error));
  const progressKey = (messageId: string) => `${prefix}:message:${messageId}`;
  const followKey = (threadId: string, authorId: string) =>
    `${prefix}:follow:${threadId}:${authorId}`;
  const shortTermKey = (userId: string) => `${prefix}:person:${userId}:short-term`;
  const safetyKey = (userId: string) => `${prefix}:person:${userId}:safety`;
  const forgottenKey = (userId: string) => `${prefix}:person:${userId}:forgotten-at`;

  return {
    async progress(messageId) {
      const [answered, replyMessageId] = await client.hmget(
        progressKey(messageId),
        'answered',
        'reply',
      );
      return { answered: answered === '1', replyMessageId: replyMessageId ?? undefined };
    },
    async replyStarted(messageId, replyMessageId) {
      await client
        .multi()
        .hset(progressKey(messageId), 'reply', replyMessageId)
        .expire(progressKey(messageId), progressSeconds)
        .exec();
    },
    async answered(messageId) {
      await client
        .multi()
        .hset(progressKey(messageId), 'answered', '1')
        .expire(progressKey(messageId), progressSeconds)
        .exec();
    },
    async follow(threadId, authorId) {
      await client.set(followKey(threadId, authorId), '1', 'EX', followSeconds);
    },
    async follows(threadId, authorId) {
      return (await client.exists(followKey(threadId, authorId))) === 1;
    },
    async loadPerson(userId) {
      const [shortTerm, safety] = await client.mget(shortTermKey(userId), safetyKey(userId));
      if ((shortTerm ?? null) === null && (safety ?? null) === null) return undefined;
      const parsedShortTerm: ShortTerm =
        shortTerm === null || shortTerm === undefined
          ? { history: [], disclosures: [], greeted: [], confirmations: [] }
          : (JSON.parse(shortTerm) as ShortTerm);
      const parsedSafety: Safety =
        safety === null || safety === undefined
          ? { region: null, locale: null, minor: false }
          : (JSON.parse(safety) as Safety);
      const { confirmations, ...core } = parsedShortTerm;
      return { core: { ...core, safety: parsedSafety }, confirmations };
    },
    async savePerson(userId, person) {
      const { safety, ...rest } = person.core;
      const shortTerm: ShortTerm = { ...rest, confirmations: person.confirmations };
      const empty =
        shortTerm.history.length === 0 &&
        shortTerm.disclosures.length === 0 &&
        shortTerm.greeted.length === 0 &&
        shortTerm.confirmations.length === 0;
      const known = safety.region !== null || safety.locale !== null || safety.minor;
      const write = client.multi();
      if (empty) write.del(shortTermKey(userId));
      else write.set(shortTermKey(userId), JSON.stringify(shortTerm), 'PX', options.idleExpiryMs);
      if (known) write.set(safetyKey(userId), JSON.stringify(safety));
      else write.del(safetyKey(userId));
      await write.exec();
    },
    async forgetPerson(userId) {
      // Redis's clock, not this machine's: every worker compares its jobs with the same one.
      const [seconds, micros] = await client.time();
      const at = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
      await client
        .multi()
        .set(forgottenKey(userId), String(at), 'EX', forgottenSeconds)
        .del(shortTermKey(userId), safetyKey(userId))
        .exec();
    },
    async forgottenAt(userId) {
      // In this machine's clock, which dated the jobs it compares with: Redis's time of the
      // /forget, moved by how far this clock is from Redis's now (to within the round trip).
      const asked = Date.now();
      const [[, at], [, time]] = (await client.multi().get(forgottenKey(userId)).time().exec()) as [
        [unknown, string | null],
        [unknown, [string, string]],
      ];
      if (at === null) return undefined;
      const redisNow = Number(time[0]) * 1_000 + Math.floor(Number(time[1]) / 1_000);
      return Number(at) + (asked - redisNow);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
