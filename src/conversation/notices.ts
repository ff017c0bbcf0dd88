import type { ChatModelError } from '../llm/chat-model.js';

/** The short, kind messages a person sees when no answer can be given. */
export const notices = {
  // Crisis lines follow it (see safetyBlockNote).
  refusedSafety:
    "I'm not able to answer that one, but I'm still here. Could you put it another way?",
  refusedOther: "I couldn't find the words for that one. Could you say it another way?",
  invalidInput:
    "I can only read text for now, so I couldn't see what you sent. Could you tell me in words?",
  unexpected:
    'Something went wrong on my side and I could not answer. Please try again in a minute.',
  interruptedSuffix:
    '\n\n*(My answer was cut off by a connection problem. Ask me again if you would like the rest.)*',
  truncatedSuffix: '\n\n*(I ran out of room there. Ask me to go on if you would like more.)*',
  privateChannel:
    "I only talk one to one, in a direct message with me, or in a server channel. Send me a DM and I'll be glad to listen.",
} as const;

/** Added to an answer when only the first `maxChars` characters of the person's message were read. */
export function cutMessageNote(maxChars: number): string {
  return `\n\n*(Your message was long, so I read the first ${maxChars.toLocaleString('en-US')} characters.)*`;
}

/** The status shown to someone waiting in line, replaced by the answer when it comes. */
export function queueNotice(placeInLine: number): string {
  return placeInLine <= 1
    ? "Lots of people are talking to me right now. You're next in line; I'll answer here in a moment."
    : `Lots of people are talking to me right now. You're number ${placeInLine} in line; I'll answer here as soon as I can.`;
}

/** The one notice someone gets when they send messages faster than the bot answers one person. */
export function slowDownNotice(waitMs: number): string {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return `You're sending messages faster than I can answer. I'll read everything you sent and reply in about ${seconds} seconds.`;
}

/** A notice for a failed model call, saying when to try again where that is known. */
export function noticeForModelError(error: ChatModelError): string {
  switch (error.code) {
    case 'rate-limited': {
      const when =
        error.retryAfterMs === undefined
          ? 'in a minute'
          : `in about ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} seconds`;
      return `A lot of people are talking to me right now and I've hit my limit. Please try again ${when}.`;
    }
    case 'timeout':
      return 'I took too long to think of an answer. Please try again in a moment.';
    case 'unavailable':
      return 'My thinking service is having trouble right now. Please try again in a few minutes.';
    case 'unauthorized':
      return "I can't reach my thinking service because of a setup problem on my side. The bot's owner has been told in the logs.";
    case 'rejected':
      return "I couldn't answer that message. Could you try saying it differently?";
  }
}

/**
 * What the bot says once to someone new: that it is an AI companion, what it keeps, where, how to
 * see or delete it, and where its crisis lines are.
 */
export function firstContactNote(options: {
  memoryBackend: 'platform' | 'open-source';
  /** Where the operator published SAFETY.md, if anywhere. */
  safetyPolicyUrl: string | undefined;
}): string {
  const where =
    options.memoryBackend === 'platform'
      ? 'with mem0, the memory service this bot uses'
      : "on this bot's own server";
  const policy = options.safetyPolicyUrl ? ` (<${options.safetyPolicyUrl}>)` : '';
  // California's SB 243 asks for the notice that companion chatbots may not suit some minors.
  return `*Hi, I'm wellness0, an AI companion: not a person, and not a therapist. I remember what you tell me so I can support you better: it's kept ${where}, and your messages go to Google's Gemini to write my answers. Use \`/memories\` to see what I remember and \`/forget\` to delete it. Companion chatbots like me may not be suitable for some people under 18. In a crisis, \`/safety\` shows crisis lines and how I handle it${policy}.*`;
}
