// Driving slash commands and their buttons through the Discord stand-in, as a person would.
import type { InteractionResponseRecord, StoredMessage } from '../standins/discord.js';
import type { Harness } from './harness.js';

/** The custom ids of every button on a message. */
export function buttonIds(message: StoredMessage): string[] {
  return (message.components as Array<{ components: Array<{ custom_id: string }> }>).flatMap(
    (row) => row.components.map((b) => b.custom_id),
  );
}

/** Resolves with the edit that gives an interaction its result (after its deferral). */
export function finalEdit(
  h: Harness,
  interactionId: string,
  timeoutMs = 15_000,
): Promise<InteractionResponseRecord> {
  return h.discord.waitFor(
    () => h.discord.interactionResponses(interactionId).find((r) => r.kind === 'original-edit'),
    timeoutMs,
  );
}

/**
 * Sends a slash command and presses the button of its reply that `choose` picks; resolves with
 * the body of the press's result.
 */
export async function pressOnReply(
  h: Harness,
  slash: { userId: string; name: string; subcommand?: string },
  choose: (buttonId: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  const sent = h.discord.sendSlash(slash);
  await finalEdit(h, sent.id);
  const reply = h.discord.messages().find((m) => m.interactionId === sent.id);
  if (reply === undefined) throw new Error(`/${slash.name} left no reply`);
  const press = h.discord.sendButton({
    userId: slash.userId,
    customId: buttonIds(reply).find(choose) ?? '',
    messageId: reply.id,
  });
  return JSON.stringify((await finalEdit(h, press.id, timeoutMs)).body);
}

/** Runs `/forget everything` for `userId` and confirms it; resolves with the result's body. */
export function forgetEverything(h: Harness, userId: string, timeoutMs?: number): Promise<string> {
  return pressOnReply(
    h,
    { userId, name: 'forget', subcommand: 'everything' },
    (id) => id.includes(':everything:'),
    timeoutMs,
  );
}
