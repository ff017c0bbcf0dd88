import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'vitest';
import { createNetWatch, type NetWatch } from '../helpers/net-watch.js';
import { type NpmRun, type NpmRunResult, spawnNpm } from '../helpers/spawn-npm.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';

const repo = join(import.meta.dirname, '..', '..');
const apiKey = 'chat-test-gemini-key-0123456789';
const noEnvFile = join(tmpdir(), 'no-such-env-file');
const stackTrace = /\bat .*\.[jt]s:\d+/;

/** One test's own: its chats, net watch, and (once `withGemini` ran) stand-in and DATA_DIR. */
interface ChatTest {
  /** Every chat started here records its attempts to reach another machine in it. */
  watch: NetWatch;
  /** Starts `npm run chat` in its own process group; it is killed when the test ends. */
  startChat: (env: Record<string, string>) => NpmRun;
  /** Runs `npm run chat`, types `lines` into it, then closes stdin unless told not to. */
  chat: (
    env: Record<string, string>,
    lines: readonly string[],
    options?: { closeInput: boolean },
  ) => Promise<NpmRunResult>;
  /** Starts a Gemini stand-in and makes a DATA_DIR, and returns the settings that point at them. */
  withGemini: () => Promise<{ gemini: FakeGemini; dataDir: string; env: Record<string, string> }>;
}

/**
 * Everything a test starts is its own (stand-in, DATA_DIR, net watch, chats) and is stopped or
 * removed when it ends, so that the tests can run at the same time.
 */
function chatTest(onTestFinished: TestContext['onTestFinished']): ChatTest {
  const watch = createNetWatch();
  const chats: NpmRun[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  onTestFinished(async () => {
    for (const running of chats) running.kill();
    await Promise.all(chats.map((running) => running.done));
    for (const cleanup of cleanups) await cleanup();
    watch.remove();
  });
  const startChat = (env: Record<string, string>) => {
    // The environment is built from scratch, without MEM0_TELEMETRY, so the chat runs with the default.
    const running = spawnNpm(['run', '--silent', 'chat'], {
      cwd: repo,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOTENV_CONFIG_PATH: noEnvFile,
        ...watch.env,
        ...env,
      },
      stdin: 'pipe',
    });
    chats.push(running);
    return running;
  };
  return {
    watch,
    startChat,
    chat(env, lines, options = { closeInput: true }) {
      const running = startChat(env);
      for (const line of lines) running.type(line);
      if (options.closeInput) running.closeInput();
      return running.done;
    },
    async withGemini() {
      const gemini = await startFakeGemini({ apiKey });
      const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-chat-'));
      cleanups.push(
        () => gemini.close(),
        () => rmSync(dataDir, { recursive: true, force: true }),
      );
      return {
        gemini,
        dataDir,
        env: {
          GEMINI_API_KEY: apiKey,
          GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
          DATA_DIR: dataDir,
          CHAT_USER: 'tester',
          // Every session ends by writing its exchanges to memory, each with a Gemini extraction
          // call; at the default 10 requests a minute, spaced evenly, each call after a chat's
          // first waits 6 s for its turn. The spacing is not what these tests are about.
          GEMINI_REQUESTS_PER_MINUTE: '60000',
        },
      };
    },
  };
}

describe.concurrent('the terminal chat (npm run chat)', () => {
  it('remembers what was said in one session and recalls it in the next', async ({
    expect,
    onTestFinished,
  }) => {
    const { watch, chat, withGemini } = chatTest(onTestFinished);
    const { gemini, dataDir, env } = await withGemini();

    const first = await chat(env, ['I adopted a cat named Miso', '', '   ', 'exit'], {
      closeInput: false,
    });
    expect(first.code).toBe(0);
    // Blank lines are skipped without a model call.
    expect(gemini.chatRequests()).toHaveLength(1);
    expect(first.stdout).toContain('I hear you: "I adopted a cat named Miso"');
    expect(first.stdout).toContain('Take care');

    const chatRequestsBefore = gemini.chatRequests().length;
    // Stdin closes after the line, as when lines are piped in.
    const second = await chat(env, ['how is my cat Miso doing?']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('I hear you: "how is my cat Miso doing?"');
    expect(second.stdout).toMatch(/\(recalled \d+ memor(y|ies)\)/);
    expect(second.stdout).toContain('Take care');

    // The answer of the second session was written with the first session's memory in its prompt.
    const secondChat = gemini.chatRequests().slice(chatRequestsBefore);
    expect(secondChat).toHaveLength(1);
    const asked = JSON.stringify(secondChat[0]?.body.contents);
    expect(asked).toContain('<memories>');
    expect(asked).toContain('I adopted a cat named Miso');

    for (const run of [first, second]) {
      expect(run.stdout + run.stderr).not.toMatch(stackTrace);
      expect(run.stdout + run.stderr).not.toContain(apiKey);
      // Logs go to DATA_DIR/chat.log, never into the conversation.
      expect(run.stdout + run.stderr).not.toContain('"level"');
    }
    expect(readFileSync(join(dataDir, 'chat.log'), 'utf8')).toContain('turn answered');
    expect(gemini.violations).toEqual([]);
    // The watch was in the chat's own process (as npm run chat runs it), not only in npm's.
    expect(watch.watchedScripts()).toContain(join(repo, 'dist', 'src', 'chat.js'));
    expect(watch.attempts()).toEqual([]);
  }, 30_000);

  it('keeps DATA_DIR 0700 and every file in it 0600 (chat.log, databases, mem0), tightening what exists', async ({
    expect,
    onTestFinished,
  }) => {
    const { chat, withGemini } = chatTest(onTestFinished);
    const { dataDir, env } = await withGemini();
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'chat.log'), '');
    chmodSync(join(dataDir, 'chat.log'), 0o644);

    expect((await chat(env, ['I adopted a cat named Miso'])).code).toBe(0);

    // Folders 0700 and files 0600, mem0's own (MEM0_DIR is DATA_DIR/mem0) included.
    const modes = Object.fromEntries(
      ['', ...readdirSync(dataDir, { recursive: true, encoding: 'utf8' })].map((name) => {
        const stat = statSync(join(dataDir, name));
        return [
          name,
          `${stat.isDirectory() ? 'folder' : 'file'} ${(stat.mode & 0o777).toString(8)}`,
        ];
      }),
    );
    expect(modes).toMatchObject({ '': 'folder 700', 'chat.log': 'file 600' });
    expect(
      Object.entries(modes).filter(([, mode]) => mode !== 'folder 700' && mode !== 'file 600'),
    ).toEqual([]);
  }, 30_000);

  it('posts the crisis lines before the answer, and keeps a crisis in memory only after /remember', async ({
    expect,
    onTestFinished,
  }) => {
    const { chat, withGemini } = chatTest(onTestFinished);
    const { gemini, env: geminiEnv } = await withGemini();
    const env = { ...geminiEnv, LANG: 'en_GB.UTF-8' };
    const crisisText = 'I want to kill myself tonight';
    const extractions = () => gemini.requests.filter((r) => r.kind === 'memory-extraction');

    const first = await chat(env, [crisisText, 'exit'], { closeInput: false });
    expect(first.code).toBe(0);
    // The lines for the terminal's region (en_GB: the United Kingdom), then the answer.
    const lines = first.stdout.indexOf('Samaritans: call 116 123');
    const answer = first.stdout.indexOf(`I hear you: "${crisisText}"`);
    expect(lines).toBeGreaterThan(-1);
    expect(answer).toBeGreaterThan(lines);
    expect(first.stdout).not.toContain('988');
    expect(first.stdout).toContain('Type /remember');
    // Not remembered: mem0 was never asked to extract memories from it.
    expect(extractions()).toEqual([]);

    const second = await chat(env, [crisisText, '/remember', '/remember', 'exit'], {
      closeInput: false,
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("I'll remember that you're going through it");
    expect(second.stdout).toContain("There's nothing waiting for me to remember");
    // /remember is the chat's own command, never a message to the model.
    expect(gemini.chatRequests()).toHaveLength(2);
    expect(extractions()).toHaveLength(1);
    expect(JSON.stringify(extractions()[0]?.body)).toContain(`user: ${crisisText}`);
    expect(gemini.violations).toEqual([]);
  }, 30_000);

  it('prints the crisis lines of a message typed while an answer is still being written at once, on a line of their own', async ({
    expect,
    onTestFinished,
  }) => {
    const { startChat, withGemini } = chatTest(onTestFinished);
    const { gemini, env: geminiEnv } = await withGemini();
    const env = { ...geminiEnv, LANG: 'en_GB.UTF-8' };
    const first = 'I adopted a cat named Miso';
    const crisisText = 'i want to kill myself tonight';
    const firstAnswer = `I hear you: "${first}"`;
    // The first answer streams slowly: its four pieces come over about three seconds.
    gemini.setLatency({ timeToFirstTokenMs: 100, totalMs: 3_000 });
    const running = startChat(env);
    running.type(first);
    await running.waitForStdout((out) => out.includes('I hear you'), 'the first answer to start');
    // Only the first answer is slow.
    gemini.setLatency({ timeToFirstTokenMs: 0, totalMs: 0 });
    running.type(crisisText);
    running.closeInput();

    // Checked as the output arrives, so at the moment the lines were printed: the first answer
    // was still being written.
    const whenLinesCame = await running.waitForStdout(
      (out) => out.includes('Samaritans: call 116 123'),
      'the crisis lines',
    );
    expect(whenLinesCame).not.toContain(firstAnswer);

    const run = await running.done;
    expect(run.code).toBe(0);
    const opening = run.stdout.indexOf("I'm really glad you told me.");
    const firstEnd = run.stdout.indexOf(firstAnswer);
    const secondAnswer = run.stdout.indexOf(`I hear you: "${crisisText}"`);
    expect(opening).toBeGreaterThan(-1);
    // The crisis lines start a line of their own, not the middle of the partial answer's line.
    expect(run.stdout[opening - 1]).toBe('\n');
    // The first answer, printed whole after the lines, then the answer to the crisis message.
    expect(firstEnd).toBeGreaterThan(opening);
    expect(secondAnswer).toBeGreaterThan(firstEnd);
    expect(run.stdout.slice(firstEnd - 1, firstEnd + firstAnswer.length + 1)).toBe(
      `\n${firstAnswer}\n`,
    );
    expect(gemini.chatRequests()).toHaveLength(2);
    expect(gemini.violations).toEqual([]);
  }, 40_000);

  it('takes /under-18 and /safety as commands, and answers someone under 18 as one', async ({
    expect,
    onTestFinished,
  }) => {
    const { chat, withGemini } = chatTest(onTestFinished);
    const { gemini, env: geminiEnv } = await withGemini();
    const env = { ...geminiEnv, LANG: 'de_DE.UTF-8' };

    const run = await chat(env, ['/safety', '/under-18', 'I adopted a cat named Miso', 'exit'], {
      closeInput: false,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('AI companion: not a person, and not a therapist');
    expect(run.stdout).toContain('/safety');
    // /safety: the lines for the terminal's region (de_DE: Germany), in German.
    expect(run.stdout).toContain('musst du da nicht allein durch');
    expect(run.stdout).toContain('TelefonSeelsorge');
    expect(run.stdout).toContain('remind you to take a break every 3 hours');
    // Only the message went to the model, with the rules for people under 18.
    const asked = gemini.chatRequests();
    expect(asked).toHaveLength(1);
    expect(JSON.stringify(asked[0]?.body.contents)).toContain('I adopted a cat named Miso');
    expect(JSON.stringify(asked[0]?.body.systemInstruction)).toContain(
      'The person you are talking with is under 18.',
    );
  }, 30_000);

  it('tells a person alone who sends three messages quickly about the answer limit, never about other people', async ({
    expect,
    onTestFinished,
  }) => {
    const { chat, withGemini } = chatTest(onTestFinished);
    const { gemini, env: geminiEnv } = await withGemini();
    // Three answers a second apart: the second and third wait for the per-minute pace only.
    const env = { ...geminiEnv, GEMINI_REQUESTS_PER_MINUTE: '60', QUEUE_NOTICE_AFTER_MS: '300' };
    const messages = ['I slept badly', 'work is a lot right now', 'and my sister is ill'];

    const run = await chat(env, messages);

    expect(run.code).toBe(0);
    for (const message of messages) expect(run.stdout).toContain(`I hear you: "${message}"`);
    const waitNotices = run.stdout
      .split('\n')
      .filter((line) => line.includes('I can only write a few answers a minute'));
    expect(waitNotices).toHaveLength(2);
    for (const notice of waitNotices) {
      expect(notice).toMatch(
        /so yours will take (about \d+ seconds?|a moment)\. I'm still here\.$/,
      );
    }
    expect(run.stdout).not.toMatch(/people are talking|in line|ahead of you/i);
    expect(gemini.chatRequests()).toHaveLength(3);
    expect(gemini.violations).toEqual([]);
  }, 40_000);

  it('needs no Discord token, and without GEMINI_API_KEY exits 1 with one message naming it', async ({
    expect,
    onTestFinished,
  }) => {
    const { watch, chat } = chatTest(onTestFinished);
    const run = await chat({}, []);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('wellness0 cannot start: one setting needs attention.');
    expect(run.stderr).toMatch(/GEMINI_API_KEY is missing/);
    expect(run.stderr).not.toContain('DISCORD_TOKEN');
    expect(run.stderr).not.toMatch(stackTrace);
    expect(run.stdout).toBe('');
    expect(watch.attempts()).toEqual([]);
  }, 30_000);
});
