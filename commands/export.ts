import { everywhere, type SlashCommand } from '../src/discord/command-view.js';

/** `/export`: sends the caller, privately, a JSON file of everything the bot remembers about them. */
export const exportCommand = {
  data: {
    name: 'export',
    description: 'Get a private file of everything wellness0 remembers about you',
    ...everywhere,
  },
  async run(ctx) {
    const memories = await ctx.memory.list(ctx.userId);
    const contents = JSON.stringify(
      {
        exportedAt: new Date().toISOString(),
        user: ctx.userId,
        memories: memories.map((m) => ({
          id: m.id,
          text: m.text,
          createdAt: m.createdAt ?? null,
          saidIn: m.origin ?? null,
        })),
      },
      null,
      2,
    );
    return {
      content: `Here is everything I remember about you (${memories.length} ${memories.length === 1 ? 'memory' : 'memories'}). Only you can see this file.`,
      file: { name: 'wellness0-memories.json', contents },
    };
  },
} satisfies SlashCommand;
