/**
 * Runs work for one key (a channel) at a steady pace, in order; keys run independently. Built by
 * a LimiterStore (bottleneck-limiters.ts): a token bucket per key, so the finished text of a
 * reply can follow its last update at once while a long stream keeps the interval (Discord's
 * per-channel limit allows such short bursts).
 */
export interface KeyedPacer {
  /** Runs `job` for `key` once the key's previous job has finished and its pace allows. */
  run<T>(key: string, job: () => Promise<T>): Promise<T>;
}
