import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import {
  type Harness,
  type MemoryBackend,
  registerTestCommands,
  tellAndSettle,
  testDiscordToken,
  testGeminiKey,
  testMem0Key,
  useHarness,
} from '../helpers/harness.js';

const alice = '200000000000000001';
const startHarness = useHarness();
const missingPermissions = { code: 50013, message: 'Missing Permissions' };

/** Everything the bot logs, at every level, as the lines it wrote. */
function capturedLog() {
  const lines: string[] = [];
  // No secrets to scrub: what stays out of the log here is kept out by what the bot logs.
  const logger = createLogger({
    level: 'trace',
    secrets: [],
    destination: { write: (line: string) => void lines.push(line) },
  });
  const entries = () => lines.map((line) => JSON.parse(line) as LogEntry);
  return { logger, text: () => lines.join(''), entries };
}

interface LogEntry {
  level: number;
  msg: string;
  err?: { code?: unknown; status?: unknown; route?: unknown };
}

/** Expects none of `texts` (nor a credential) in the log, as text or as the bytes of a Buffer. */
function expectNoneOf(log: string, texts: readonly string[]): void {
  for (const text of [...texts, testDiscordToken, testGeminiKey, testMem0Key]) {
    expect(log).not.toContain(text);
    // pino writes a Buffer (a file being uploaded, say) as its list of bytes.
    expect(log).not.toContain([...Buffer.from(text)].join(','));
  }
}

describe.each<MemoryBackend>(['open-source', 'platform'])('logs with %s memory', (backend) => {
  it('a streamed answer refused by its channel is logged once, without what was said or answered', async () => {
    const log = capturedLog();
    const h = await startHarness({ backend, logger: log.logger });
    const said = 'I have been hiding my panic attacks from my family';
    const answer =
      'Thank you for trusting me with this. Hiding something that heavy is exhausting, ' +
      'and breathing out slowly for a count of six can take the edge off an attack.';
    h.gemini.script({ kind: 'text', text: answer, chunks: 12 });
    h.gemini.setLatency({ timeToFirstTokenMs: 50, totalMs: 1_200 });
    const dmChannel = h.discord.dmChannelId(alice);
    // As in a channel where the bot lacks Send Messages: every send and edit is refused.
    for (const method of ['POST', 'PATCH']) {
      h.discord.failNext({
        method,
        path: new RegExp(`^/channels/${dmChannel}/messages(/\\d+)?$`),
        status: 403,
        body: missingPermissions,
        count: 1_000,
      });
    }

    h.discord.sendDm({ userId: alice, content: said });
    await h.gemini.waitFor(() => h.gemini.chatRequests()[0], 10_000);
    await h.app.core.whenIdle(15_000);

    const refused = h.discord.requests.filter((r) => r.status === 403);
    expect(refused.length).toBeGreaterThan(2);
    expectNoneOf(log.text(), [said, 'panic attacks', answer, 'breathing out slowly']);
    const warnings = log.entries().filter((e) => e.msg === 'reply failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      err: { code: 50013, status: 403, route: `/api/v10/channels/:id/messages` },
    });
  });

  it('an answered turn logs the tokens it cost, with the part Gemini served from its cache, and no text', async () => {
    const log = capturedLog();
    // A persona long enough for Gemini's implicit cache (4,096 tokens on current Flash models).
    const persona = `You are a kind companion. ${'Listen closely and answer gently. '.repeat(600)}`;
    const h = await startHarness({ backend, logger: log.logger, env: { PERSONA: persona } });
    const said = ['my landlord raised the rent again', 'and my car broke down'];

    for (const text of said) await tellAndSettle(h, alice, text);

    const answered = log.entries().filter((e) => e.msg === 'turn answered') as Array<
      LogEntry & { tokens?: Record<string, number> }
    >;
    expect(answered).toHaveLength(2);
    const [first, second] = answered.map((e) => e.tokens);
    expect(first?.prompt).toBeGreaterThan(4_096);
    expect(first?.cached).toBe(0);
    // The second prompt starts as the first did: persona, then the first exchange.
    expect(second?.cached).toBeGreaterThan(4_096);
    expect(second?.cached).toBeLessThan(second?.prompt ?? 0);
    expectNoneOf(log.text(), [...said, 'Listen closely']);
  });

  it('a crisis is logged without what was said, its kind, the lines or who it was', async () => {
    const log = capturedLog();
    const h = await startHarness({ backend, logger: log.logger });
    const said = 'i want to kill myself tonight, i have the pills here';
    const dm = h.discord.sendDm({ userId: alice, content: said });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[1], 10_000);
    await h.app.core.whenIdle(10_000);
    const [lines, answer] = h.discord.messages(dm.channel_id);

    expect(lines?.content).toContain('988');
    expectNoneOf(log.text(), [
      said,
      'pills',
      answer?.content ?? '',
      lines?.content ?? '',
      'Lifeline',
    ]);
    for (const kind of ['suicidal', 'self-harm', 'imminent', 'crisis mode']) {
      expect(log.text()).not.toContain(kind);
    }
    // The line that says the lines went out names no message, person or channel.
    const sent = log.entries().find((e) => e.msg === 'crisis lines sent');
    expect(sent).toBeDefined();
    expect(JSON.stringify(sent)).not.toMatch(/\d{17,20}/);
  });

  it('a failed /export is logged without the file or the interaction token', async () => {
    const log = capturedLog();
    const h: Harness = await startHarness({ backend, logger: log.logger });
    await registerTestCommands(h);
    const said = 'I keep a diary about my insomnia and my night terrors';
    await tellAndSettle(h, alice, said);
    const remembered = (await h.app.core.memory.list(`discord:${alice}` as never)).map(
      (m) => m.text,
    );
    expect(remembered.length).toBeGreaterThan(0);
    // The edit that carries the file fails; the bot then tells the person in a follow-up.
    h.discord.failNext({
      method: 'PATCH',
      path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/,
      status: 403,
      body: missingPermissions,
    });

    const slash = h.discord.sendSlash({ userId: alice, name: 'export' });
    await h.discord.waitFor(
      () => h.discord.interactionResponses(slash.id).find((r) => r.kind === 'followup'),
      15_000,
    );
    const upload = h.discord.requests.find((r) => r.method === 'PATCH' && r.status === 403);
    const file = (upload?.body as { files?: Array<{ text: string }> } | undefined)?.files?.[0];
    expect(file?.text).toContain(remembered[0]);

    expectNoneOf(log.text(), [said, ...remembered, slash.token, file?.text ?? '']);
    expect(log.entries().find((e) => e.msg === 'interaction failed')).toMatchObject({
      level: 50,
      err: {
        code: 50013,
        status: 403,
        route: '/api/v10/webhooks/:id/:token/messages/@original',
      },
    });
  });
});
