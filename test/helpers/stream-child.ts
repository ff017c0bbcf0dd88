// A worker that takes events from a Redis person stream and dies holding one, for the tests of
// what another worker picks up. Usage: tsx test/helpers/stream-child.ts <redisUrl> <namespace> <leaseMs>
// Prints "took <personKey> <eventId>" when it starts on an event, then hangs on it until killed.
import { createRedisPersonStream } from '../../src/scale/redis-person-stream.js';

const [redisUrl, namespace, leaseMs] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined || leaseMs === undefined) {
  throw new Error('usage: stream-child.ts <redisUrl> <namespace> <leaseMs>');
}
const stream = createRedisPersonStream({ redisUrl, namespace, leaseMs: Number(leaseMs) });
stream.consume(async (event) => {
  process.stdout.write(`took ${event.personKey} ${event.eventId}\n`);
  await new Promise(() => {});
});
process.stdout.write('consuming\n');
