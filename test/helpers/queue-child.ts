// A process that enqueues memory writes and then dies badly, for the durable write queue tests.
// Usage: tsx test/helpers/queue-child.ts <dbPath> <n> [hang|fail-and-exit]
//   hang (default): every write hangs; prints "enqueued" and stays alive until killed.
//   fail-and-exit: every write fails; prints "enqueued" and lets the process end on its own,
//     which it can only do if the queue holds no timer that keeps it alive.
import { pino } from 'pino';
import { createDurableWriteQueue } from '../../src/memory/durable-write-queue.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';

const [dbPath, count, mode = 'hang'] = process.argv.slice(2);
if (dbPath === undefined || count === undefined) {
  throw new Error('usage: queue-child.ts <dbPath> <n> [hang|fail-and-exit]');
}

const users = ['discord:100000000000000001', 'discord:100000000000000002'] as MemoryUserId[];

const queue = createDurableWriteQueue({
  path: dbPath,
  logger: pino({ level: 'silent' }),
  initialRetryDelayMs: 10,
  maxRetryDelayMs: 50,
  write:
    mode === 'hang'
      ? () => new Promise<void>(() => {})
      : () => Promise.reject(new Error('mem0 is down')),
});
queue.start();
for (let index = 0; index < Number(count); index++) {
  queue.enqueue({
    userId: users[index % users.length] as MemoryUserId,
    messages: [{ role: 'user', content: `job ${index}` }],
    origin: { kind: 'dm' },
  });
}
process.stdout.write('enqueued\n');

// Stay alive until killed: the queue itself must not hold the process open.
if (mode === 'hang') setInterval(() => {}, 60_000);
