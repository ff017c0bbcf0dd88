import { z } from 'zod';
import type { MemoryWriteJob } from './memory-store.js';
import { isMemoryUserId } from './user-id.js';

// What a queued job's row holds besides its user id: its messages and origin, as JSON.

// What a row's payload must hold; anything else on disk is dropped rather than sent to mem0.
const payloadSchema = z.object({
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  origin: z.object({
    kind: z.enum(['dm', 'guild', 'terminal']),
    guildId: z.string().optional(),
    channelId: z.string().optional(),
    audienceChannelId: z.string().optional(),
  }),
});

/** A job's messages (role and content only) and origin, as a row's payload. */
export function encodeJobPayload(job: Pick<MemoryWriteJob, 'messages' | 'origin'>): string {
  const messages = job.messages.map(({ role, content }) => ({ role, content }));
  return JSON.stringify({ messages, origin: job.origin });
}

/** A row read back: its job, or why it cannot be trusted (a fixed text, never the row's own). */
export type DecodedJob = { job: MemoryWriteJob } | { dropReason: string };

/** The job a row holds, or why it is dropped. */
export function decodeJob(userId: string, payload: string): DecodedJob {
  if (!isMemoryUserId(userId)) return { dropReason: 'bad user id' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    // The parser's message quotes the payload, which is private: keep only a fixed reason.
    return { dropReason: 'payload is not JSON' };
  }
  const result = payloadSchema.safeParse(parsed);
  if (!result.success) return { dropReason: 'payload has the wrong shape' };
  const { messages, origin } = result.data;
  // A server job without a channel audience (queued by a version whose server memories had none,
  // or enqueued without one) gets the channel it was said in: the narrowest audience it can have.
  if (origin.kind === 'guild' && origin.audienceChannelId === undefined && origin.channelId) {
    return {
      job: { userId, messages, origin: { ...origin, audienceChannelId: origin.channelId } },
    };
  }
  return { job: { userId, messages, origin } };
}
