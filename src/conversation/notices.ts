import type { ChatModelError, StreamOptions } from '../llm/chat-model.js';

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
  serverMemoryOff:
    "*(Memory is off in this server: I won't remember what you say here, or bring up anything from before.)*",
  privateChannel:
    "I only talk one to one, in a direct message with me, or in a server channel. Send me a DM and I'll be glad to listen.",
} as const;

/** Added to an answer when only the first `maxChars` characters of the person's message were read. */
export function cutMessageNote(maxChars: number): string {
  return `\n\n*(Your message was long, so I read the first ${maxChars.toLocaleString('en-US')} characters.)*`;
}

/** Why an answer waits, and about how long: what the model reports to `onWaiting`. */
export type AnswerWait = Parameters<NonNullable<StreamOptions['onWaiting']>>[0];

/**
 * A wait in words a person would use: whole seconds under 10, then seconds up to the next 5 (not
 * sooner than it will be), about a minute from 55 s, seconds again from 75 s ("about 90
 * seconds"), then whole minutes from 2.
 */
function roughDuration(ms: number): string {
  if (ms < 1_000) return 'a moment';
  if (ms < 9_500) {
    const seconds = Math.round(ms / 1_000);
    return `about ${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const seconds = Math.ceil(ms / 1_000);
  if (seconds < 55) return `about ${Math.max(10, Math.ceil(seconds / 5) * 5)} seconds`;
  if (seconds < 75) return 'about a minute';
  if (seconds < 120) return `about ${Math.ceil(seconds / 5) * 5} seconds`;
  return `about ${Math.round(seconds / 60)} minutes`;
}

/**
 * The status shown to someone whose answer waits, replaced by the answer when it comes: why it
 * waits (the per-minute limit, or other people's answers first) and about how long.
 */
export function waitingNotice(wait: AnswerWait): string {
  const when = roughDuration(wait.waitMs);
  if (wait.reason === 'answer-limit' || wait.placeInLine <= 1) {
    return `I can only write a few answers a minute, so yours will take ${when}. I'm still here.`;
  }
  const ahead =
    wait.placeInLine === 2
      ? 'Someone else is talking to me too'
      : wait.placeInLine <= 5
        ? 'A few people are talking to me at once'
        : 'Many people are talking to me at once';
  return `${ahead} and you're number ${wait.placeInLine} in line, so I'll answer in ${when}. I'm still here.`;
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
      // The limit is the service's, shared by everyone: it says nothing of how many people wrote.
      const when = roughDuration(Math.max(1_000, error.retryAfterMs ?? 60_000));
      return `I've reached my limit of answers for now. Please try again in ${when}.`;
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

/**
 * Told once when someone has so many messages waiting that the next ones are merged into the
 * newest: nothing is lost, and one answer will cover them all.
 */
export const waitingCapNotice =
  "You've sent me a lot while I'm still answering, so I'll read these together and answer them all in one reply.";
