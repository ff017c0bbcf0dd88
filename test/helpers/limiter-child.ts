// A process sharing a start pacer through Redis, for the tests of limits across processes.
// Usage: tsx test/helpers/limiter-child.ts <redisUrl> <namespace> <jobs> <minIntervalMs> <maxConcurrent>
// Prints "ready" once connected, waits for "go" on stdin, runs its jobs (each 30 ms), then prints
// one JSON line {"runs": [[start, end], ...]} with wall-clock times, and exits.
import { createInterface } from 'node:readline';
import { createLimiterStore } from '../../src/limits/bottleneck-limiters.js';

const [redisUrl, namespace, jobs, minIntervalMs, maxConcurrent] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined || maxConcurrent === undefined)
  throw new Error('usage: limiter-child.ts <url> <ns> <jobs> <ms> <n>');

const store = createLimiterStore({ redisUrl, namespace });
const pacer = store.startPacer({
  id: 'gemini:test',
  minIntervalMs: Number(minIntervalMs),
  maxConcurrent: Number(maxConcurrent),
  maxRunMs: 60_000,
});
await store.ready();
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
const runs: Array<[number, number]> = [];
await Promise.all(
  Array.from({ length: Number(jobs) }, () =>
    pacer.schedule(async () => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      runs.push([start, Date.now()]);
    }),
  ),
);
process.stdout.write(`${JSON.stringify({ runs })}\n`);
await store.close();
lines.close();
