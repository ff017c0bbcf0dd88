import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, it, type TestContext } from 'vitest';
import { createNetWatch, type NetWatch } from '../helpers/net-watch.js';
import { type NpmRun, spawnNpm } from '../helpers/spawn-npm.js';

const repo = join(import.meta.dirname, '..', '..');
/** What `npm start` runs after building. */
const botScript = join(repo, 'dist', 'src', 'main.js');
const noEnvFile = join(tmpdir(), 'no-such-env-file');

// Settings of a bot whose answer and memory write a test waits for, besides those it is about:
// they shorten waits that are not what these tests check (the in-process tests check them).
const waitedForSettings = {
  // By default writes are batched for 30 s.
  MEMORY_BATCH_WINDOW_MS: '0',
  // At the default 10 requests a minute, spaced evenly, the memory extraction waits 6 s after
  // the answer for its turn.
  GEMINI_REQUESTS_PER_MINUTE: '60000',
  // At the default 1200 ms between two writes to one Discord channel, the finished answer waits
  // about a second after its first part.
  REPLY_EDIT_INTERVAL_MS: '50',
  // So that the bot says when the memory write has landed ('memory write landed').
  LOG_LEVEL: 'debug',
};

/** One test's own processes and net watch; everything it starts is stopped when it ends. */
interface ProcessTest {
  /** Every process started here records its attempts to reach another machine in it. */
  watch: NetWatch;
  /** Runs `npm run --silent <script> [-- args]` in a process group of its own. */
  npm: (
    script: string,
    env: Record<string, string | undefined>,
    args?: readonly string[],
  ) => NpmRun;
  /** `npm start`, as the README says (its build rewrites only files that changed, whole). */
  npmStart: (env: Record<string, string | undefined>) => NpmRun;
  /** `npm run standins`, and the control API and settings its first line gives. */
  standins: () => Promise<{ control: string; env: Record<string, string> }>;
  /** A new folder, removed once the test's processes are gone. */
  tempDir: (prefix: string) => string;
}

function processTest(onTestFinished: TestContext['onTestFinished']): ProcessTest {
  // The child environments are built from scratch, without MEM0_TELEMETRY, so they run with the
  // default, not the `false` that test/setup-env.ts sets for in-process tests.
  const watch = createNetWatch();
  const runs: NpmRun[] = [];
  const dirs: string[] = [];
  onTestFinished(async () => {
    for (const run of runs) run.kill();
    await Promise.all(runs.map((run) => run.done));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    watch.remove();
  });
  const npm = (
    script: string,
    env: Record<string, string | undefined>,
    args: readonly string[] = [],
  ) => {
    const run = spawnNpm(['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...watch.env, ...env },
    });
    runs.push(run);
    return run;
  };
  return {
    watch,
    npm,
    npmStart: (env) => npm('start', env),
    async standins() {
      const run = npm('standins', {});
      const out = await run.waitForStdout((text) => text.includes('\n'), 'the stand-ins to start');
      return JSON.parse(out.slice(0, out.indexOf('\n'))) as {
        control: string;
        env: Record<string, string>;
      };
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

describe.concurrent('the bot as a process', () => {
  it('refuses to start without settings, naming every missing variable in one message', async ({
    expect,
    onTestFinished,
  }) => {
    const { watch, npmStart } = processTest(onTestFinished);
    const bot = npmStart({ DOTENV_CONFIG_PATH: noEnvFile });
    const { code, stdout, stderr } = await bot.done;
    expect(code).toBe(1);
    expect(stderr).toContain('wellness0 cannot start: 2 settings need attention.');
    expect(stderr).toMatch(/DISCORD_TOKEN is missing/);
    expect(stderr).toMatch(/GEMINI_API_KEY is missing/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(stdout).toBe('');
    expect(watch.attempts()).toEqual([]);
  }, 30_000);

  it('starts as the README says, against standalone stand-ins, and answers a DM', async ({
    expect,
    onTestFinished,
  }) => {
    const { watch, npmStart, standins, tempDir } = processTest(onTestFinished);
    const { control, env } = await standins();
    const dataDir = tempDir('wellness0-process-');
    const bot = npmStart({
      DOTENV_CONFIG_PATH: noEnvFile,
      DISCORD_TOKEN: env.DISCORD_TOKEN,
      DISCORD_API_URL: env.DISCORD_API_URL,
      GEMINI_API_KEY: env.GEMINI_API_KEY,
      GOOGLE_GEMINI_BASE_URL: env.GOOGLE_GEMINI_BASE_URL,
      DATA_DIR: dataDir,
      ...waitedForSettings,
    });
    await bot.waitForStdout(
      (out) => out.includes('logged in to Discord'),
      'the bot to log in',
      30_000,
    );

    const userId = '200000000000000009';
    const dm = (await (
      await fetch(`${control}/discord/dm`, {
        method: 'POST',
        body: JSON.stringify({ userId, content: 'I am nervous about my exam tomorrow' }),
      })
    ).json()) as { channel_id: string };
    // The bot logs the turn once its reply is complete on Discord.
    await bot.waitForStdout((out) => out.includes('turn answered'), 'the reply');
    const messages = await getJson<Array<{ content: string }>>(
      `${control}/discord/messages?channelId=${dm.channel_id}`,
    );
    expect(messages[0]?.content).toContain('I am nervous about my exam tomorrow');

    // The exchange lands in the embedded store, in DATA_DIR.
    await bot.waitForStdout((out) => out.includes('memory write landed'), 'the memory write');
    const requests = await getJson<Array<{ kind: string }>>(`${control}/gemini/requests`);
    expect(requests.filter((r) => r.kind === 'memory-extraction')).not.toEqual([]);
    expect(existsSync(join(dataDir, 'memories.db'))).toBe(true);

    // Nothing the bot sent broke Discord's, Gemini's or mem0's rules.
    expect(await getJson(`${control}/violations`)).toEqual([]);

    // SIGTERM (sent to npm, the shell and node alike, as a terminal or a service manager does) stops it cleanly.
    bot.signal('SIGTERM');
    await bot.waitForStdout((out) => out.includes('stopped cleanly'), 'a clean stop', 15_000);
    // No secret reached a log line, to the last one.
    expect(bot.stdout() + bot.stderr()).not.toContain(env.DISCORD_TOKEN);
    expect(bot.stdout() + bot.stderr()).not.toContain(env.GEMINI_API_KEY);
    expect(watch.watchedScripts()).toContain(botScript);
    expect(watch.attempts()).toEqual([]);
  }, 90_000);

  it('registers the slash commands globally, or to one server with --guild', async ({
    expect,
    onTestFinished,
  }) => {
    const { watch, npm, standins } = processTest(onTestFinished);
    const { control, env } = await standins();
    const commandEnv = {
      DOTENV_CONFIG_PATH: noEnvFile,
      DISCORD_TOKEN: env.DISCORD_TOKEN,
      DISCORD_API_URL: env.DISCORD_API_URL,
      GEMINI_API_KEY: env.GEMINI_API_KEY,
    };
    const names = async (query: string) =>
      (await getJson<Array<{ name: string }>>(`${control}/discord/commands${query}`))
        .map((c) => c.name)
        .sort();

    const global = await npm('deploy-commands', commandEnv).done;
    expect(global.code).toBe(0);
    expect(global.stdout).toMatch(
      /Registered \/memories, \/forget, \/export, \/safety, \/settings globally/,
    );
    expect(await names('')).toEqual(['export', 'forget', 'memories', 'safety', 'settings']);

    const guild = await npm('deploy-commands', commandEnv, ['--guild', '400000000000000001']).done;
    expect(guild.code).toBe(0);
    expect(await names('?guildId=400000000000000001')).toEqual([
      'export',
      'forget',
      'memories',
      'safety',
      'settings',
    ]);
    expect(await getJson(`${control}/violations`)).toEqual([]);
    expect(watch.attempts()).toEqual([]);
  }, 60_000);
});

/** `.env.example` with every value empty but those given, as `cp .env.example .env` and filling it in leaves it. */
function quickStartEnvFile(values: Record<string, string>): string {
  const example = readFileSync(join(repo, '.env.example'), 'utf8');
  const names = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
  const unknown = Object.keys(values).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`not in .env.example: ${unknown.join(', ')}`);
  return example.replace(
    /^([A-Z][A-Z0-9_]*)=.*$/gm,
    (_, name: string) => `${name}=${values[name] ?? ''}`,
  );
}

/** How many memories the local store holds for `userId`; 0 while its file or table is not there yet. */
function localMemoryCount(dataDir: string, userId: string): number {
  const path = join(dataDir, 'memories.db');
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare('SELECT count(*) AS n FROM memories WHERE user_id = ?').get(userId) as {
        n: number;
      }
    ).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

// Every variable of .env.example, empty as it has them but for the keys, the stand-ins' addresses
// and the waits this test is not about (waitedForSettings).
describe.concurrent('the bot as the quick start leaves it', () => {
  it.for(['open-source', 'platform'] as const)(
    'connects to no host but the configured ones, with MEM0_TELEMETRY left empty (%s)',
    { timeout: 90_000 },
    async (backend, { expect, onTestFinished }) => {
      const { watch, npmStart, standins, tempDir } = processTest(onTestFinished);
      const { control, env } = await standins();
      const dir = tempDir('wellness0-quick-start-');
      const dataDir = join(dir, 'data');
      const envFile = join(dir, '.env');
      writeFileSync(
        envFile,
        quickStartEnvFile({
          DISCORD_TOKEN: env.DISCORD_TOKEN ?? '',
          GEMINI_API_KEY: env.GEMINI_API_KEY ?? '',
          // The stand-ins, in place of discord.com and Google; both are loopback addresses.
          DISCORD_API_URL: env.DISCORD_API_URL ?? '',
          GOOGLE_GEMINI_BASE_URL: env.GOOGLE_GEMINI_BASE_URL ?? '',
          DATA_DIR: dataDir,
          ...waitedForSettings,
          ...(backend === 'platform'
            ? { MEM0_API_KEY: env.MEM0_API_KEY ?? '', MEM0_HOST: env.MEM0_HOST ?? '' }
            : {}),
        }),
      );
      expect(readFileSync(envFile, 'utf8')).toMatch(/^MEM0_TELEMETRY=$/m);

      // Only the .env file: no setting comes from the environment.
      const bot = npmStart({ DOTENV_CONFIG_PATH: envFile });
      await bot.waitForStdout(
        (out) => out.includes('logged in to Discord'),
        'the bot to log in',
        30_000,
      );

      const userId = '200000000000000011';
      const text = 'I have been sleeping badly since the move';
      const dm = (await (
        await fetch(`${control}/discord/dm`, {
          method: 'POST',
          body: JSON.stringify({ userId, content: text }),
        })
      ).json()) as { channel_id: string };
      // The bot logs the turn once its reply is complete on Discord.
      await bot.waitForStdout((out) => out.includes('turn answered'), 'the reply');
      const messages = await getJson<Array<{ content: string }>>(
        `${control}/discord/messages?channelId=${dm.channel_id}`,
      );
      expect(messages.some((m) => m.content.includes(text))).toBe(true);

      // The exchange is remembered: in the local store, or on the Platform.
      await bot.waitForStdout(
        (out) => out.includes('memory write landed'),
        'the exchange to be remembered',
      );
      if (backend === 'open-source') {
        expect(localMemoryCount(dataDir, `discord:${userId}`)).toBeGreaterThan(0);
      } else {
        const stored = await getJson<unknown[]>(
          `${control}/mem0/memories?userId=discord:${userId}`,
        );
        expect(stored.length).toBeGreaterThan(0);
      }

      bot.signal('SIGTERM');
      await bot.waitForStdout((out) => out.includes('stopped cleanly'), 'a clean stop', 15_000);
      expect(await getJson(`${control}/violations`)).toEqual([]);
      expect(watch.watchedScripts()).toContain(botScript);
      expect(watch.attempts()).toEqual([]);
    },
  );
});
