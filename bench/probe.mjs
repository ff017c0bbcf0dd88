// Preloaded into the bot's process by the benchmark (`node --import ./bench/probe.mjs`): every
// 250 ms it prints one JSON line to stderr with the resident memory and the event-loop delay
// since the last SIGUSR2, which also runs a garbage collection when --expose-gc is on.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let peakRss = 0;
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  delay.reset();
  peakRss = 0;
});
setInterval(() => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  process.stderr.write(
    `${JSON.stringify({
      probe: true,
      rss,
      peakRss,
      lagP99Ms: delay.percentile(99) / 1e6,
      lagMaxMs: delay.max / 1e6,
    })}\n`,
  );
}, 250).unref();
