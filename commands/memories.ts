import {
  type CommandContext,
  type CommandView,
  everywhere,
  type SlashCommand,
} from '../src/discord/command-view.js';
import { memoryLine } from './memory-text.js';

// Five delete buttons fill one row; Discord allows five per row.
const pageSize = 5;

async function page(ctx: CommandContext, pageIndex: number, note?: string): Promise<CommandView> {
  const all = await ctx.memory.list(ctx.userId);
  if (all.length === 0) {
    return {
      content: `${note ? `${note}\n\n` : ''}I don't remember anything about you yet. What you tell me from now on is kept so I can support you better; \`/forget\` deletes it.\n\n*I'm an AI, not a person and not a therapist.*`,
    };
  }
  const pages = Math.ceil(all.length / pageSize);
  const current = Math.min(Math.max(pageIndex, 0), pages - 1);
  const shown = all.slice(current * pageSize, current * pageSize + pageSize);
  const lines = shown.map((memory, i) => `**${i + 1}.** ${memoryLine(memory)}`);
  return {
    content: [
      ...(note ? [note, ''] : []),
      `Here is what I remember about you (${all.length} in all, page ${current + 1} of ${pages}). Only you can see this.`,
      '',
      ...lines,
    ].join('\n'),
    buttons: [
      shown.map((memory, i) => ({
        action: 'delete',
        arg: `${current}:${memory.id}`,
        label: `Delete ${i + 1}`,
        style: 'danger' as const,
      })),
      [
        {
          action: 'page',
          arg: String(current - 1),
          label: 'Previous',
          style: 'secondary',
          disabled: current === 0,
        },
        {
          action: 'page',
          arg: String(current + 1),
          label: 'Next',
          style: 'secondary',
          disabled: current >= pages - 1,
        },
      ],
    ],
  };
}

/** `/memories`: shows the caller, privately, what the bot remembers about them, with delete buttons. */
export const memoriesCommand = {
  data: {
    name: 'memories',
    description: 'See what wellness0 remembers about you (only you can see it)',
    ...everywhere,
  },
  run: (ctx) => page(ctx, 0),
  async press(ctx, action, arg) {
    if (action === 'page') return page(ctx, Number(arg ?? 0));
    if (action === 'delete' && arg) {
      const [pageText, memoryId] = arg.split(':');
      const deleted = memoryId !== undefined && (await ctx.memory.delete(ctx.userId, memoryId));
      const note = deleted
        ? 'Deleted. I no longer remember that.'
        : 'That memory was already gone.';
      return page(ctx, Number(pageText ?? 0), note);
    }
    return page(ctx, 0);
  },
} satisfies SlashCommand;
