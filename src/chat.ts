// Entry: the terminal chat, the original wellness0 conversation on the same core as the Discord bot.
import { closeSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { configSecrets, describeConfigProblems } from './config.js';
import { loadSettings } from './settings.js';
import { type MemoryUserId, memoryUserIdForTerminal } from './memory/user-id.js';
import { personRegion } from './safety/crisis-first.js';
import { linesFor } from './safety/crisis-resources.js';
import { safetyBlockNote, safetyTextLanguage } from './safety/crisis-texts.js';
import type { PersonSafety } from './safety/safety-settings.js';
import { terminalNameFromAccount } from './terminal/chat-user.js';
import { localeFromPosix } from './terminal/posix-locale.js';
import {
  createTerminalReply,
  createTerminalScreen,
  statusLine,
  terminalCommandReplies,
} from './terminal/terminal-reply.js';
import type { Turn } from './conversation/conversation.js';
import type { ReplyTarget } from './conversation/reply-target.js';
import { makePrivateDir, openPrivateFile } from './storage/private-files.js';

// Whatever this process creates (mem0's own files in MEM0_DIR too) is readable by this user only.
process.umask(0o077);

const parsed = loadSettings(process.env, { cwd: process.cwd(), purpose: 'terminal-chat' });
const problems = parsed.ok ? [] : [...parsed.problems];
const chatUser = process.env.CHAT_USER?.trim() || terminalNameFromAccount(accountName());
let userId: MemoryUserId | undefined;
try {
  userId = memoryUserIdForTerminal(chatUser);
} catch {
  problems.push(
    'CHAT_USER must be 1 to 64 letters, digits, dots, underscores or hyphens (it names whose memories the chat uses).',
  );
}
if (!parsed.ok || userId === undefined) {
  console.error(describeConfigProblems(problems));
  process.exit(1);
}
const config = parsed.config;
const memoryUserId = userId;
const dataDir = config.dataDir;
// The terminal's language and region, the way a Discord client's locale places its person.
const terminalLocale = localeFromPosix(
  process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG,
);

// mem0 reads these when its module loads, so they are settled before the app is imported.
// Telemetry is on only when MEM0_TELEMETRY is exactly `true`; mem0 counts anything but `false`
// (an empty value too) as on, so it is always overwritten. mem0's own files live in DATA_DIR.
process.env.MEM0_TELEMETRY = config.mem0Telemetry ? 'true' : 'false';
process.env.MEM0_DIR ??= join(dataDir, 'mem0');

const { createLogger, routeConsoleTo } = await import('./logger.js');
const { createCore } = await import('./core.js');

// The terminal is for the conversation, so log lines go to a file; synchronous writes keep the
// last lines when the chat exits.
makePrivateDir(dataDir);
const logFd = config.logLevel === 'silent' ? undefined : openPrivateFile(join(dataDir, 'chat.log'));
const logger = createLogger({
  level: config.logLevel,
  secrets: configSecrets(config),
  destination: {
    write: (line: string) => {
      if (logFd !== undefined) writeSync(logFd, line);
    },
  },
});
// mem0 reports through console.*, which would land in the middle of the conversation (and
// quotes what it extracted); its lines go through the logger, scrubbed.
routeConsoleTo(logger, console);

const core = createCore(config, logger);
core.start();
logger.info(
  { memoryBackend: config.memory.backend, model: config.geminiModel, userId: memoryUserId },
  'starting wellness0 terminal chat',
);

// The person's locale is the terminal's, so that crisis lines follow its region.
let person: PersonSafety = { region: undefined, locale: terminalLocale, minor: false };
try {
  person = core.safety.get(memoryUserId);
  if (terminalLocale !== undefined && person.locale !== terminalLocale) {
    core.safety.update(memoryUserId, { locale: terminalLocale });
  }
} catch (error) {
  logger.error({ err: error }, 'safety settings could not be read or written');
}

const interactive = process.stdin.isTTY === true;
const decorate = process.stdout.isTTY === true;
// Shared by every reply, so that crisis lines printed while an answer streams start a line of their own.
const screen = createTerminalScreen({ output: process.stdout, decorate });
const say = (text: string) => screen.write(text);
const rl = createInterface({
  input: process.stdin,
  output: interactive ? process.stdout : undefined,
  terminal: interactive,
  prompt: 'you> ',
});

// Whether the cursor sits after `you> `, so that leaving by Ctrl+C or Ctrl+D starts a new line.
let atPrompt = false;
function prompt(): void {
  if (!interactive) return;
  rl.prompt();
  atPrompt = true;
}

let leaving: Promise<void> | undefined;
/** Stops reading, lets the answer in progress and pending memory writes finish, says goodbye and exits. */
function leave(exitCode = 0): Promise<void> {
  leaving ??= (async () => {
    rl.close();
    if (atPrompt) say('\n');
    atPrompt = false;
    if ((await core.whenIdle(0)) > 0) say(statusLine('(saving what you told me…)', decorate));
    try {
      await core.close(15_000);
    } catch (error) {
      logger.error({ err: error }, 'closing the memory store failed');
    }
    say('Take care. Bye for now.\n');
    logger.info('stopped cleanly');
    if (logFd !== undefined) closeSync(logFd);
    process.exit(exitCode);
  })();
  return leaving;
}

/** A second Ctrl+C while leaving exits at once, without waiting for memory writes. */
function interrupt(signal: string): void {
  if (leaving !== undefined) {
    logger.warn({ signal }, 'left before pending memory writes finished');
    process.exit(130);
  }
  void leave();
}
// In a terminal, readline reads Ctrl+C as a key; elsewhere it arrives as a signal.
rl.on('SIGINT', () => interrupt('SIGINT'));
process.on('SIGINT', () => interrupt('SIGINT'));
process.on('SIGTERM', () => void leave());

say(
  `Hi, I'm wellness0, an AI companion: not a person, and not a therapist. I remember what you tell me between chats.\n`,
);
say(
  `Type /safety for crisis lines${person.minor ? '' : ', /under-18 if you are under 18'}, or exit to leave.\n`,
);

// The crisis exchange most recently held back from long-term memory, which /remember keeps.
let withheldKey: string | undefined;

/**
 * Reads a command the chat offers, if `text` is one, and returns what it does in its turn, after
 * the answers to the messages before it; undefined when `text` is not a command.
 */
function readCommand(text: string): (() => void) | undefined {
  switch (text.toLowerCase()) {
    case '/remember':
      // In its turn: the crisis exchange it keeps is the one answered just before it.
      return () => {
        const key = withheldKey;
        withheldKey = undefined;
        try {
          const kept = key !== undefined && core.rememberWithheld(memoryUserId, key);
          say(
            statusLine(
              kept ? terminalCommandReplies.remembered : terminalCommandReplies.nothingToRemember,
              decorate,
            ),
          );
        } catch (error) {
          logger.error({ err: error }, 'a crisis exchange could not be queued for memory');
          say(statusLine(terminalCommandReplies.notSaved, decorate));
        }
      };
    case '/under-18': {
      // Taken at once, because the messages read after it are screened (and so answered) with it.
      let reply: string = terminalCommandReplies.under18;
      try {
        core.safety.update(memoryUserId, { minor: true });
      } catch (error) {
        logger.error({ err: error }, 'safety settings could not be written');
        reply = terminalCommandReplies.notSaved;
      }
      return () => say(statusLine(reply, decorate));
    }
    case '/safety': {
      // At once, like the crisis lines of a message: someone asking for them must not wait.
      void createTerminalReply({ screen }).sendNow(crisisLinesText());
      return () => {};
    }
    default:
      return undefined;
  }
}

/** The crisis lines for the chat's person, in the terminal's language. */
function crisisLinesText(): string {
  let known: PersonSafety = { region: undefined, locale: terminalLocale, minor: false };
  try {
    known = core.safety.get(memoryUserId);
  } catch (error) {
    // The lines are shown all the same, for the terminal's region.
    logger.error({ err: error }, 'safety settings could not be read');
  }
  const { resources, defaultRegion } = config.crisis;
  const region = personRegion({
    person: known,
    serverLocale: terminalLocale,
    resources,
    defaultRegion,
  });
  const language = safetyTextLanguage(terminalLocale ?? known.locale);
  return safetyBlockNote({ language, lines: linesFor({ region, language }, resources) });
}

/** A line read from standard input, screened when read and waiting for its turn. */
type ReadLine =
  | { kind: 'message'; turn: Turn; reply: ReplyTarget }
  | { kind: 'command'; run: () => void }
  | { kind: 'blank' }
  | { kind: 'end' };

const waiting: ReadLine[] = [];
let wake: (() => void) | undefined;
let reading = true;
function enqueue(line: ReadLine): void {
  waiting.push(line);
  wake?.();
  wake = undefined;
}
async function nextLine(): Promise<ReadLine> {
  for (;;) {
    const line = waiting.shift();
    if (line !== undefined) return line;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

// Each line is screened for a crisis the moment it is read, so that its crisis lines are printed
// at once, even while an earlier answer is still being written; it is answered in its turn.
rl.on('line', (line) => {
  if (!reading) return;
  atPrompt = false;
  // In a terminal, readline has echoed the line and its Enter.
  if (interactive) screen.movedToLineStart();
  const text = line.trim();
  if (/^(exit|quit)$/i.test(text)) {
    reading = false;
    enqueue({ kind: 'end' });
    return;
  }
  if (text === '') return enqueue({ kind: 'blank' });
  const run = readCommand(text);
  if (run !== undefined) return enqueue({ kind: 'command', run });
  const reply = createTerminalReply({
    screen,
    onOffer: (offer) => {
      if (offer.kind === 'remember-crisis') withheldKey = offer.key;
    },
  });
  let turn: Turn = {
    userId: memoryUserId,
    text,
    origin: { kind: 'terminal' },
    placeId: 'terminal',
  };
  try {
    turn = core.screen(turn, reply);
  } catch (error) {
    // `core.submit` screens it again in its turn.
    logger.error({ err: error }, 'a message could not be screened when read');
  }
  enqueue({ kind: 'message', turn, reply });
});
rl.on('close', () => {
  reading = false;
  enqueue({ kind: 'end' });
});

let exitCode = 0;
try {
  prompt();
  for (;;) {
    const line = await nextLine();
    if (line.kind === 'end' || leaving !== undefined) break;
    if (line.kind === 'command') line.run();
    if (line.kind === 'message') {
      const result = await core.submit(line.turn, line.reply);
      logger.info(
        {
          outcome: result.kind,
          memoriesUsed: result.memoriesUsed,
          ...(result.tokens === undefined ? {} : { tokens: result.tokens }),
        },
        'turn answered',
      );
      if (result.kind === 'answer' && result.memoriesUsed > 0) {
        const count = result.memoriesUsed;
        say(statusLine(`(recalled ${count} ${count === 1 ? 'memory' : 'memories'})`, decorate));
      }
    }
    if (leaving !== undefined) break;
    if (waiting.length === 0) prompt();
  }
} catch (error) {
  logger.fatal({ err: error }, 'the chat failed');
  say('Something went wrong on my side, so the chat has to stop. Details are in the log.\n');
  exitCode = 1;
}
await leave(exitCode);

function accountName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    // No account entry for this uid, as in some containers.
    return undefined;
  }
}
