import { Redis } from 'ioredis';
import type { PersonStream, PersonStreamConsumer } from './person-stream.js';

/** Options of the Redis PersonStream. */
export interface RedisPersonStreamOptions {
  redisUrl: string;
  /** Prefix of every key, so that two bots on one Redis keep apart (default `wellness0`). */
  namespace?: string;
  /** This worker's name in the consumer group (unique per process; default host, pid and a random part). */
  consumerName?: string;
  /**
   * How long a worker's hold on a person lasts without renewal (default 30 000 ms): a worker that
   * dies holding one delays that person's next events by at most this much, when another worker
   * takes over.
   */
  leaseMs?: number;
  /** People one worker serves at once (default 32). */
  maxConcurrentPeople?: number;
  /**
   * How many of one person's events a worker has in hand at once (default 1: the next is handed
   * over once the one before is done). Above 1, events that arrive while one is being handled are
   * handed over at once, still in order (a handler that queues them per person can answer a burst
   * together); each is removed from the stream once it and every one before it are done, so a
   * worker that dies leaves all those it had in hand to the next.
   */
  window?: number;
  /** Attempts at one event before it is set aside in the dead-letter list (default 3). */
  maxAttempts?: number;
  /** Told of what went wrong (codes and ids only: never a payload). */
  onError?: (error: unknown, context: { personKey?: string; eventId?: string }) => void;
}

// How long a publish remembers an event id, against a gateway's replays.
const seenForSeconds = 7 * 24 * 3_600;
// The stream of "this person has events" notices is trimmed to about this many entries.
const maxNotices = 100_000;
const maxDeadLetters = 10_000;

// Dropped if seen, else queued for the person and announced, in one step.
const publishScript = `
if redis.call('set', KEYS[1], '1', 'NX', 'EX', ARGV[3]) == false then return 0 end
redis.call('rpush', KEYS[2], ARGV[1])
redis.call('xadd', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'person', ARGV[2])
return 1`;
// Renews the lease only while it is still ours.
const renewScript = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;
const releaseScript = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;
// Removes the event just handled, only if it is still the first (never another one).
const removeHeadScript = `
if redis.call('lindex', KEYS[1], 0) == ARGV[1] then return redis.call('lpop', KEYS[1]) end
return false`;

interface StreamCommands {
  publishEvent(
    seenKey: string,
    listKey: string,
    streamKey: string,
    entry: string,
    personKey: string,
    ttl: number,
    maxLen: number,
  ): Promise<number>;
  renewLease(key: string, owner: string, ms: number): Promise<number>;
  releaseLease(key: string, owner: string): Promise<number>;
  removeHead(key: string, entry: string): Promise<string | null>;
}

type CommandClient = Redis & StreamCommands;

function withScripts(client: Redis): CommandClient {
  client.defineCommand('publishEvent', { numberOfKeys: 3, lua: publishScript });
  client.defineCommand('renewLease', { numberOfKeys: 1, lua: renewScript });
  client.defineCommand('releaseLease', { numberOfKeys: 1, lua: releaseScript });
  client.defineCommand('removeHead', { numberOfKeys: 1, lua: removeHeadScript });
  return client as CommandClient;
}

/** Stream entries as ioredis returns them: [id, [field, value, …]]. */
type StreamEntries = Array<[string, string[]]>;

function personOf(fields: readonly string[]): string | undefined {
  const at = fields.indexOf('person');
  return at === -1 ? undefined : fields[at + 1];
}

/**
 * A PersonStream in Redis. Each person's events wait in a list of their own; a stream with a
 * consumer group announces "this person has events". A worker that reads an announcement takes
 * the person's lease (a key with an expiry, renewed while it works) and handles their events from
 * the head of the list, removing each once handled, so a worker that dies leaves the event it was
 * on at the head; its unacknowledged announcement is claimed by another worker once the lease has
 * run out. Workers that fail to take a lease leave the person to its holder, which looks at the
 * list again after letting go. (Keys are not hash-tagged: one Redis, not a Redis Cluster.)
 */
export function createRedisPersonStream(options: RedisPersonStreamOptions): PersonStream {
  const namespace = options.namespace ?? 'wellness0';
  const prefix = `${namespace}:person-stream`;
  const noticesKey = `${prefix}:notices`;
  const group = 'workers';
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const window = Math.max(1, options.window ?? 1);
  // How often a worker with a person's events in hand looks for more of theirs.
  const pollMs = 50;
  const listKey = (person: string) => `${prefix}:events:${person}`;
  const leaseKey = (person: string) => `${prefix}:lease:${person}`;
  const clients: Redis[] = [];
  const consumers: PersonStreamConsumer[] = [];

  function connect(name: string): CommandClient {
    const client = withScripts(
      new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: name }),
    );
    client.on('error', (error: unknown) => options.onError?.(error, {}));
    clients.push(client);
    return client;
  }

  let publisher: CommandClient | undefined;

  return {
    async publish(event) {
      publisher ??= connect(`${namespace}-publisher`);
      const entry = JSON.stringify({ eventId: event.eventId, payload: event.payload });
      const added = await publisher.publishEvent(
        `${prefix}:seen:${event.eventId}`,
        listKey(event.personKey),
        noticesKey,
        entry,
        event.personKey,
        seenForSeconds,
        maxNotices,
      );
      return added === 1;
    },

    consume(handle) {
      const consumer =
        options.consumerName ?? `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
      const commands = connect(`${namespace}-worker-${consumer}`);
      // XREADGROUP BLOCK holds its connection: a second one for everything else.
      const reader = connect(`${namespace}-reader-${consumer}`);
      const maxPeople = Math.max(1, options.maxConcurrentPeople ?? 32);
      const serving = new Set<Promise<void>>();
      let stopping = false;

      async function ensureGroup(): Promise<void> {
        try {
          await commands.xgroup('CREATE', noticesKey, group, '0', 'MKSTREAM');
        } catch (error) {
          if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
        }
      }

      /** Handles one event, retrying; never rejects (one that keeps failing is set aside). */
      async function handleWithRetries(person: string, raw: string): Promise<void> {
        const entry = JSON.parse(raw) as { eventId: string; payload: string };
        for (let attempt = 1; ; attempt++) {
          try {
            await handle({ personKey: person, eventId: entry.eventId, payload: entry.payload });
            return;
          } catch (error) {
            options.onError?.(error, { personKey: person, eventId: entry.eventId });
            if (attempt >= maxAttempts) {
              // Set aside, so that one event that always fails does not hold the person's others.
              await commands
                .multi()
                .lpush(`${prefix}:dead`, JSON.stringify({ personKey: person, ...entry }))
                .ltrim(`${prefix}:dead`, 0, maxDeadLetters - 1)
                // Kept a week after the last failure, like the single process's dead letters.
                .expire(`${prefix}:dead`, seenForSeconds)
                .exec()
                .catch((deadLetterError: unknown) =>
                  options.onError?.(deadLetterError, { personKey: person, eventId: entry.eventId }),
                );
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      }

      /**
       * Handles the person's events from the head of their list, up to `window` in hand at once,
       * until none is left (or the worker stops: those in hand are finished first). The events in
       * hand are always the first ones of the list: only the lease holder removes any, from the
       * head, and publishers add at the tail.
       */
      async function drainPerson(person: string): Promise<void> {
        const inHand: Array<{ raw: string; done: Promise<void> }> = [];
        for (;;) {
          if (!stopping && inHand.length < window) {
            const more = await commands.lrange(listKey(person), inHand.length, window - 1);
            for (const raw of more) inHand.push({ raw, done: handleWithRetries(person, raw) });
          }
          const head = inHand[0];
          if (head === undefined) return;
          // With room in hand, look again for new events while the head is being handled.
          const headDone = await (inHand.length < window && !stopping
            ? Promise.race([
                head.done.then(() => true),
                new Promise<boolean>((resolve) => setTimeout(() => resolve(false), pollMs)),
              ])
            : head.done.then(() => true));
          if (!headDone) continue;
          await commands.removeHead(listKey(person), head.raw);
          inHand.shift();
        }
      }

      /**
       * Serves `person` while this worker holds their lease; see the stream's doc. False when
       * the announcement must stay unacknowledged: it was claimed from a worker that seemed dead,
       * but the person's lease is still held (that worker may yet die before letting go, and
       * then only this announcement would bring the person's events to another).
       */
      async function serve(person: string, noticeId: string, claimed: boolean): Promise<boolean> {
        for (;;) {
          const taken = await commands.set(leaseKey(person), consumer, 'PX', leaseMs, 'NX');
          if (taken !== 'OK') return !claimed;
          // Renewed for as long as the person's events are being handled: a long list or a long
          // event outlasts one lease. The announcement is claimed again by this worker each
          // time, so that its idle time (after which another worker claims it) stays short of
          // a lease for as long as this worker lives.
          const renew = setInterval(
            () => {
              const onError = (error: unknown) => options.onError?.(error, { personKey: person });
              commands.renewLease(leaseKey(person), consumer, leaseMs).catch(onError);
              commands.xclaim(noticesKey, group, consumer, 0, noticeId, 'JUSTID').catch(onError);
            },
            Math.max(100, Math.floor(leaseMs / 3)),
          );
          try {
            await drainPerson(person);
          } finally {
            clearInterval(renew);
            await commands.releaseLease(leaseKey(person), consumer);
          }
          if ((await commands.llen(listKey(person))) === 0) return true;
          if (stopping) {
            // Left for another worker at once, not after the lease would have run out.
            await commands.xadd(noticesKey, 'MAXLEN', '~', maxNotices, '*', 'person', person);
            return true;
          }
        }
      }

      function start(entries: StreamEntries, claimed: boolean): void {
        for (const [id, fields] of entries) {
          const person = personOf(fields);
          const task = (async () => {
            const done = person === undefined || (await serve(person, id, claimed));
            if (done) await commands.xack(noticesKey, group, id);
          })()
            .catch((error: unknown) =>
              options.onError?.(error, { ...(person ? { personKey: person } : {}) }),
            )
            .finally(() => serving.delete(task));
          serving.add(task);
        }
      }

      const loop = (async () => {
        await ensureGroup();
        while (!stopping) {
          const room = maxPeople - serving.size;
          if (room <= 0) {
            await Promise.race(serving);
            continue;
          }
          // A dead worker's announcements first, once idle longer than a lease.
          const claimed = (await commands.xautoclaim(
            noticesKey,
            group,
            consumer,
            leaseMs,
            '0-0',
            'COUNT',
            room,
          )) as [string, StreamEntries, string[]?];
          if (claimed[1].length > 0) {
            start(claimed[1], true);
            continue;
          }
          const read = (await reader.xreadgroup(
            'GROUP',
            group,
            consumer,
            'COUNT',
            room,
            'BLOCK',
            500,
            'STREAMS',
            noticesKey,
            '>',
          )) as Array<[string, StreamEntries]> | null;
          for (const [, entries] of read ?? []) start(entries, false);
        }
      })().catch((error: unknown) => {
        if (!stopping) options.onError?.(error, {});
      });

      const handleOf: PersonStreamConsumer = {
        async stop() {
          stopping = true;
          await loop;
          await Promise.allSettled([...serving]);
        },
      };
      consumers.push(handleOf);
      return handleOf;
    },

    async dropDeadLetters(personKey) {
      publisher ??= connect(`${namespace}-publisher`);
      const dead = await publisher.lrange(`${prefix}:dead`, 0, -1);
      let dropped = 0;
      for (const entry of dead) {
        const { personKey: whose } = JSON.parse(entry) as { personKey?: string };
        if (whose === personKey) dropped += await publisher.lrem(`${prefix}:dead`, 0, entry);
      }
      return dropped;
    },

    reachable() {
      // A gateway that has published nothing yet is asked about its publisher all the same.
      publisher ??= connect(`${namespace}-publisher`);
      return clients.every((client) => client.status === 'ready');
    },

    async close() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
