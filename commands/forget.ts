import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import type { CommandContext, CommandView, SlashCommand } from '../src/discord/command-view.js';
import { everywhere } from '../src/discord/command-view.js';
import { prepareIncomingText } from '../src/conversation/incoming-text.js';
import type { StoredMemory } from '../src/memory/memory-store.js';
import { memoryLine } from './memory-text.js';
import { cutWithEllipsis } from '../src/text/cut-text.js';

// mem0 may still be processing something said a moment ago; check again before giving up.
const verifyDelaysMs = [0, 500, 1_500, 3_000];

/** Deletes `targets` (or everything) and checks with mem0, by listing and by searching, that they are gone. */
async function forgetAndVerify(
  ctx: CommandContext,
  targets: StoredMemory[] | 'everything',
): Promise<{ deleted: number; remaining: StoredMemory[] }> {
  await ctx.forgetShortTerm();
  const before = targets === 'everything' ? await ctx.memory.list(ctx.userId) : targets;
  let remaining = before;
  for (const delayMs of verifyDelaysMs) {
    if (delayMs > 0) await ctx.sleep(delayMs);
    if (targets === 'everything') await ctx.memory.deleteAll(ctx.userId);
    else for (const memory of remaining) await ctx.memory.delete(ctx.userId, memory.id);
    remaining = await stillThere(ctx, targets === 'everything' ? undefined : before);
    if (remaining.length === 0) break;
  }
  const deleted = before.filter((m) => !remaining.some((left) => left.id === m.id)).length;
  return { deleted, remaining };
}

/**
 * What is still stored: everything listed, searchable or kept as an entity (when forgetting all),
 * or any target still listed or searchable.
 */
async function stillThere(
  ctx: CommandContext,
  targets: StoredMemory[] | undefined,
): Promise<StoredMemory[]> {
  const listed = await ctx.memory.list(ctx.userId);
  if (targets === undefined) {
    const found = await ctx.memory.search(ctx.userId, 'me', { limit: 5, origin: { kind: 'dm' } });
    const entities = await ctx.memory.listEntities(ctx.userId);
    // A memory both listed and found is one memory still stored, not two.
    return [
      ...listed,
      ...found
        .filter((m) => !listed.some((l) => l.id === m.id))
        .map((m) => ({ ...m, origin: undefined })),
      ...entities.map((text, i) => ({
        id: `entity:${i}`,
        text: `“${text}”, a name or place linked to your memories`,
        createdAt: undefined,
        score: undefined,
        origin: undefined,
      })),
    ];
  }
  const ids = new Set(targets.map((m) => m.id));
  const left = listed.filter((m) => ids.has(m.id));
  for (const target of targets.slice(0, 10)) {
    const found = await ctx.memory.search(ctx.userId, target.text, {
      limit: 5,
      origin: { kind: 'dm' },
    });
    for (const hit of found) {
      if (ids.has(hit.id) && !left.some((m) => m.id === hit.id))
        left.push({ ...hit, origin: undefined });
    }
  }
  return left;
}

function report(deleted: number, remaining: StoredMemory[], what: string): CommandView {
  if (remaining.length === 0) {
    return {
      content: `Done: I forgot ${what} (${deleted} ${deleted === 1 ? 'memory' : 'memories'}), and I checked that ${deleted === 1 ? 'it is' : 'they are'} gone. Our recent conversation is cleared too.`,
    };
  }
  return {
    content: `I tried, but ${remaining.length} ${remaining.length === 1 ? 'memory is' : 'memories are'} still stored (the memory service may still be processing it). Please run \`/forget\` again in a minute. Still there:\n${remaining
      .slice(0, 5)
      .map((m) => `- ${memoryLine(m, 200)}`)
      .join('\n')}`,
  };
}

/** `/forget`: forgets everything (after confirming) or everything about a topic, and verifies it. */
export const forgetCommand = {
  data: {
    name: 'forget',
    description: 'Make wellness0 forget what it remembers about you',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'everything',
        description: 'Forget everything I remember about you',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'topic',
        description: 'Forget what I remember about one topic',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'about',
            description: 'The topic, in a few words',
            required: true,
            max_length: 200,
          },
        ],
      },
    ],
    ...everywhere,
  },
  async run(ctx, options) {
    if (options.subcommand === 'topic') {
      const prepared = prepareIncomingText(options.about ?? '', { maxChars: 200 });
      if (prepared.kind === 'empty') {
        return { content: 'Tell me the topic to forget, in a few words.' };
      }
      const topic = prepared.text;
      const matches = await ctx.memory.search(ctx.userId, topic, {
        limit: 10,
        origin: { kind: 'dm' },
      });
      if (matches.length === 0) return { content: `I don't remember anything about “${topic}”.` };
      const key = ctx.remember(matches.map((m) => ({ ...m, origin: undefined })));
      return {
        content: `I remember ${matches.length} ${matches.length === 1 ? 'thing' : 'things'} about “${topic}”:\n${matches
          .map((m) => `- ${cutWithEllipsis(m.text, 200)}`)
          .join('\n')}\n\nForget ${matches.length === 1 ? 'it' : 'them'}?`,
        buttons: [
          [
            { action: 'topic', arg: key, label: 'Yes, forget these', style: 'danger' },
            { action: 'cancel', label: 'Keep them', style: 'secondary' },
          ],
        ],
      };
    }
    if (options.subcommand !== 'everything') {
      return { content: 'Choose what to forget: `/forget everything` or `/forget topic`.' };
    }
    return {
      content:
        'This deletes everything I remember about you, everywhere, and cannot be undone. Are you sure?',
      buttons: [
        [
          { action: 'everything', label: 'Yes, forget everything', style: 'danger' },
          { action: 'cancel', label: 'Keep my memories', style: 'secondary' },
        ],
      ],
    };
  },
  async press(ctx, action, arg) {
    if (action === 'everything') {
      const { deleted, remaining } = await forgetAndVerify(ctx, 'everything');
      ctx.safety.forget();
      const view = report(deleted, remaining, 'everything I knew about you');
      return {
        ...view,
        content: `${view.content}\nYour \`/safety\` settings (country, age) are cleared as well.`,
      };
    }
    if (action === 'topic' && arg) {
      const targets = ctx.recall(arg) as StoredMemory[] | undefined;
      if (!targets)
        return { content: 'That request has expired. Please run `/forget topic` again.' };
      const { deleted, remaining } = await forgetAndVerify(ctx, targets);
      return report(deleted, remaining, 'that topic');
    }
    return { content: 'Okay, I kept everything.' };
  },
} satisfies SlashCommand;
