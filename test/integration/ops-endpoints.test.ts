// /healthz, /readyz and Prometheus /metrics on METRICS_PORT, as an operator's probes and scraper
// meet them: the whole bot against the stand-ins, over real sockets.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Harness, tellAndSettle, useHarness } from '../helpers/harness.js';

const alice = '200000000000000001';
const bob = '200000000000000002';
const crisisText = 'i want to kill myself tonight';

/** A port nothing listens on now (the system's choice, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** GETs `path` from the bot's ops port. */
async function get(h: Harness, path: string): Promise<{ status: number; body: string }> {
  const metrics = h.config.metrics;
  if (metrics === undefined) throw new Error('METRICS_PORT is not set');
  const response = await fetch(`http://${metrics.host}:${metrics.port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** The value of one series in a Prometheus text body (`name{labels}` exactly as printed); undefined when absent. */
function series(body: string, name: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('operations endpoints', () => {
  const startHarness = useHarness();
  const withMetrics = async () =>
    startHarness({ backend: 'platform', env: { METRICS_PORT: String(await freePort()) } });

  it('answers /healthz with ok and /readyz with every check passing once the gateway is ready', async () => {
    const h = await withMetrics();

    const health = await get(h, '/healthz');
    const ready = await get(h, '/readyz');

    expect(health).toEqual({ status: 200, body: 'ok\n' });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({
      status: 'ready',
      checks: { gateway: true, memory: true, queues: true },
    });
    expect((await get(h, '/nothing-here')).status).toBe(404);
  });

  it('answers /readyz with 503 naming memory while the mem0 Platform is unreachable', async () => {
    const h = await withMetrics();
    h.mem0?.setUnreachable(true);

    const ready = await get(h, '/readyz');
    h.mem0?.setUnreachable(false);

    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({
      status: 'not ready',
      failing: ['memory'],
      checks: { gateway: true, memory: false, queues: true },
    });
    // /healthz says only that the process runs.
    expect((await get(h, '/healthz')).status).toBe(200);
  });

  it('counts two answered turns and two times to first and final text after two DMs, naming nobody and quoting nothing', async () => {
    const h = await withMetrics();
    const said = ['my sister is visiting this weekend', 'we are going hiking on saturday'];

    const first = await tellAndSettle(h, alice, said[0] ?? '');
    const second = await tellAndSettle(h, bob, said[1] ?? '');
    const metrics = await get(h, '/metrics');
    const ready = await get(h, '/readyz');

    expect(metrics.status).toBe(200);
    expect(series(metrics.body, 'wellness0_turns_total{outcome="answered"}')).toBe(2);
    expect(series(metrics.body, 'wellness0_turns_total{outcome="notice"}')).toBe(0);
    expect(series(metrics.body, 'wellness0_turn_first_text_seconds_count')).toBe(2);
    expect(series(metrics.body, 'wellness0_turn_final_text_seconds_count')).toBe(2);
    expect(series(metrics.body, 'wellness0_turn_queue_active_people')).toBe(0);
    expect(series(metrics.body, 'wellness0_memory_writes_waiting')).toBe(0);
    expect(
      series(metrics.body, 'wellness0_limiter_wait_seconds_count{reason="gemini-answer"}'),
    ).toBeGreaterThanOrEqual(2);
    // Node's default process metrics are there too.
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    const ids = [alice, bob, first.sent.channel_id, second.sent.channel_id, first.sent.id];
    for (const body of [metrics.body, ready.body]) {
      for (const needle of [...said, 'sister', 'hiking', ...ids, first.reply.content]) {
        expect(body).not.toContain(needle);
      }
    }
  });

  it('counts a crisis referral when crisis lines go out', async () => {
    const h = await withMetrics();
    const referrals = async () =>
      series(
        (await get(h, '/metrics')).body,
        'wellness0_crisis_referrals_total{trigger="detected"}',
      );
    expect(await referrals()).toBe(0);

    const dm = h.discord.sendDm({ userId: alice, content: crisisText });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[1], 10_000);
    await h.app.core.whenIdle(10_000);

    expect(await referrals()).toBe(1);
    expect((await get(h, '/metrics')).body).not.toContain(crisisText);
  });
});
