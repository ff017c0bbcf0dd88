import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNetWatch, type NetWatch } from '../helpers/net-watch.js';

const repo = join(import.meta.dirname, '..', '..');
/** What `npm start` runs after building. */
const botScript = join(repo, 'dist', 'src', 'main.js');
const children: ChildProcess[] = [];
// Every process a test starts records its attempts to reach another machine here; each test
// expects none. The child environments are built from scratch, without MEM0_TELEMETRY, so they
// run with the default, not the `false` that test/setup-env.ts sets for in-process tests.
let watch: NetWatch;
beforeEach(() => {
  watch = createNetWatch();
});

/** Starts an npm script in its own process group, so that it can be stopped with everything it spawned. */
function npm(script: string, env: Record<string, string | undefined>): ChildProcess {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...watch.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function output(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  return { stdout: () => stdout, stderr: () => stderr };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function poll<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  watch.remove();
});

describe('the bot as a process', () => {
  it('refuses to start without settings, naming every missing variable in one message', async () => {
    const bot = npm('start', { DOTENV_CONFIG_PATH: join(tmpdir(), 'no-such-env-file') });
    const { stdout, stderr } = output(bot);
    expect(await exited(bot)).toBe(1);
    expect(stderr()).toContain('wellness0 cannot start: 2 settings need attention.');
    expect(stderr()).toMatch(/DISCORD_TOKEN is missing/);
    expect(stderr()).toMatch(/GEMINI_API_KEY is missing/);
    expect(stderr()).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(stdout()).toBe('');
    expect(watch.attempts()).toEqual([]);
  });

  it('starts as the README says, against standalone stand-ins, and answers a DM', async () => {
    const standins = npm('standins', {});
    const lines = createInterface({ input: standins.stdout ?? process.stdin });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const { control, env } = JSON.parse(first) as { control: string; env: Record<string, string> };
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-process-'));
    try {
      const bot = npm('start', {
        DOTENV_CONFIG_PATH: join(tmpdir(), 'no-such-env-file'),
        DISCORD_TOKEN: env.DISCORD_TOKEN,
        DISCORD_API_URL: env.DISCORD_API_URL,
        GEMINI_API_KEY: env.GEMINI_API_KEY,
        GOOGLE_GEMINI_BASE_URL: env.GOOGLE_GEMINI_BASE_URL,
        DATA_DIR: dataDir,
        // The test waits for the memory write; by default writes are batched for 30 s.
        MEMORY_BATCH_WINDOW_MS: '0',
      });
      const logs = output(bot);
      await poll(
        'the bot to log in',
        async () => (logs.stdout().includes('logged in to Discord') ? true : undefined),
        30_000,
      );

      const userId = '200000000000000009';
      const dm = (await (
        await fetch(`${control}/discord/dm`, {
          method: 'POST',
          body: JSON.stringify({ userId, content: 'I am nervous about my exam tomorrow' }),
        })
      ).json()) as { channel_id: string };
      const reply = await poll(
        'the reply',
        async () => {
          const messages = (await (
            await fetch(`${control}/discord/messages?channelId=${dm.channel_id}`)
          ).json()) as Array<{ content: string }>;
          return messages[0]?.content.includes('I am nervous about my exam tomorrow')
            ? messages[0]
            : undefined;
        },
        20_000,
      );
      expect(reply.content).toContain('I am nervous about my exam tomorrow');

      // The exchange lands in the embedded store, in DATA_DIR.
      await poll(
        'the memory write',
        async () => {
          const requests = (await (await fetch(`${control}/gemini/requests`)).json()) as Array<{
            kind: string;
          }>;
          return requests.some((r) => r.kind === 'memory-extraction') ? true : undefined;
        },
        20_000,
      );
      expect(existsSync(join(dataDir, 'memories.db'))).toBe(true);

      // Nothing the bot sent broke Discord's, Gemini's or mem0's rules, and no secret reached a log line.
      expect(await (await fetch(`${control}/violations`)).json()).toEqual([]);
      expect(logs.stdout() + logs.stderr()).not.toContain(env.DISCORD_TOKEN);
      expect(logs.stdout() + logs.stderr()).not.toContain(env.GEMINI_API_KEY);

      // SIGTERM (sent to npm, tsx and node alike, as a terminal or a service manager does) stops it cleanly.
      if (bot.pid !== undefined) process.kill(-bot.pid, 'SIGTERM');
      await poll(
        'a clean stop',
        async () => (logs.stdout().includes('stopped cleanly') ? true : undefined),
        15_000,
      );
      expect(watch.watchedScripts()).toContain(botScript);
      expect(watch.attempts()).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('registers the slash commands globally, or to one server with --guild', async () => {
    const standins = npm('standins', {});
    const lines = createInterface({ input: standins.stdout ?? process.stdin });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const { control, env } = JSON.parse(first) as { control: string; env: Record<string, string> };
    const commandEnv = {
      DOTENV_CONFIG_PATH: join(tmpdir(), 'no-such-env-file'),
      DISCORD_TOKEN: env.DISCORD_TOKEN,
      DISCORD_API_URL: env.DISCORD_API_URL,
      GEMINI_API_KEY: env.GEMINI_API_KEY,
    };
    const names = async (query: string) =>
      (
        (await (await fetch(`${control}/discord/commands${query}`)).json()) as Array<{
          name: string;
        }>
      )
        .map((c) => c.name)
        .sort();

    const global = npm('deploy-commands', commandEnv);
    const globalOutput = output(global);
    expect(await exited(global)).toBe(0);
    expect(globalOutput.stdout()).toMatch(
      /Registered \/memories, \/forget, \/export, \/safety globally/,
    );
    expect(await names('')).toEqual(['export', 'forget', 'memories', 'safety']);

    const guild = spawn(
      'npm',
      ['run', '--silent', 'deploy-commands', '--', '--guild', '400000000000000001'],
      {
        cwd: repo,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...watch.env, ...commandEnv },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(guild);
    expect(await exited(guild)).toBe(0);
    expect(await names('?guildId=400000000000000001')).toEqual([
      'export',
      'forget',
      'memories',
      'safety',
    ]);
    expect(await (await fetch(`${control}/violations`)).json()).toEqual([]);
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

describe('the bot as the quick start leaves it', () => {
  it.each(['open-source', 'platform'] as const)(
    'connects to no host but the configured ones, with MEM0_TELEMETRY left empty (%s)',
    async (backend) => {
      const standins = npm('standins', {});
      const lines = createInterface({ input: standins.stdout ?? process.stdin });
      const first = await new Promise<string>((resolve) => lines.once('line', resolve));
      const { control, env } = JSON.parse(first) as {
        control: string;
        env: Record<string, string>;
      };
      const dir = mkdtempSync(join(tmpdir(), 'wellness0-quick-start-'));
      try {
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
            // The test waits for the memory write; by default writes are batched for 30 s.
            MEMORY_BATCH_WINDOW_MS: '0',
            ...(backend === 'platform'
              ? { MEM0_API_KEY: env.MEM0_API_KEY ?? '', MEM0_HOST: env.MEM0_HOST ?? '' }
              : {}),
          }),
        );
        expect(readFileSync(envFile, 'utf8')).toMatch(/^MEM0_TELEMETRY=$/m);

        // Only the .env file: no setting comes from the environment.
        const bot = npm('start', { DOTENV_CONFIG_PATH: envFile });
        const logs = output(bot);
        await poll(
          'the bot to log in',
          async () => (logs.stdout().includes('logged in to Discord') ? true : undefined),
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
        await poll(
          'the reply',
          async () => {
            const messages = (await (
              await fetch(`${control}/discord/messages?channelId=${dm.channel_id}`)
            ).json()) as Array<{ content: string }>;
            return messages.some((m) => m.content.includes(text)) ? true : undefined;
          },
          20_000,
        );
        await poll(
          'the exchange to be remembered',
          async () => {
            if (backend === 'open-source') {
              return localMemoryCount(dataDir, `discord:${userId}`) > 0 ? true : undefined;
            }
            const stored = (await (
              await fetch(`${control}/mem0/memories?userId=discord:${userId}`)
            ).json()) as unknown[];
            return stored.length > 0 ? true : undefined;
          },
          20_000,
        );

        if (bot.pid !== undefined) process.kill(-bot.pid, 'SIGTERM');
        await poll(
          'a clean stop',
          async () => (logs.stdout().includes('stopped cleanly') ? true : undefined),
          15_000,
        );
        expect(await (await fetch(`${control}/violations`)).json()).toEqual([]);
        expect(watch.watchedScripts()).toContain(botScript);
        expect(watch.attempts()).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
