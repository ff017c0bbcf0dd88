import { describe, expect, it } from 'vitest';
import { noticeForModelError, waitingNotice } from '../../src/conversation/notices.js';
import { ChatModelError } from '../../src/llm/chat-model.js';

describe('waitingNotice', () => {
  it('tells someone who waits only for the per-minute limit about the limit, never about other people', () => {
    const text = waitingNotice({ reason: 'answer-limit', placeInLine: 1, waitMs: 18_400 });

    expect(text).toBe(
      "I can only write a few answers a minute, so yours will take about 20 seconds. I'm still here.",
    );
    expect(text).not.toMatch(/people|someone|in line/i);
  });

  it('tells someone behind other people’s answers their place and about how long', () => {
    const text = waitingNotice({ reason: 'people-ahead', placeInLine: 3, waitMs: 37_000 });

    expect(text).toBe(
      "A few people are talking to me at once and you're number 3 in line, so I'll answer in about 40 seconds. I'm still here.",
    );
  });

  it('speaks of one other person when only one is ahead', () => {
    expect(waitingNotice({ reason: 'people-ahead', placeInLine: 2, waitMs: 6_000 })).toBe(
      "Someone else is talking to me too and you're number 2 in line, so I'll answer in about 6 seconds. I'm still here.",
    );
  });

  it('does not call a long line a few people', () => {
    expect(waitingNotice({ reason: 'people-ahead', placeInLine: 12, waitMs: 70_000 })).toBe(
      "Many people are talking to me at once and you're number 12 in line, so I'll answer in about a minute. I'm still here.",
    );
  });

  it.each([
    [400, 'a moment'],
    [1_000, 'about 1 second'],
    [4_200, 'about 4 seconds'],
    [9_600, 'about 10 seconds'],
    [10_000, 'about 10 seconds'],
    [41_000, 'about 45 seconds'],
    [55_000, 'about a minute'],
    [74_000, 'about a minute'],
    [89_000, 'about 90 seconds'],
    [90_000, 'about 90 seconds'],
    [119_000, 'about 120 seconds'],
    [120_000, 'about 2 minutes'],
    [7 * 60_000 + 10_000, 'about 7 minutes'],
  ])('says a wait of %i ms as %s', (waitMs, words) => {
    expect(waitingNotice({ reason: 'answer-limit', placeInLine: 1, waitMs })).toContain(
      `will take ${words}.`,
    );
  });
});

describe('noticeForModelError', () => {
  it('says the limit was reached and when to try again, without blaming other people', () => {
    const text = noticeForModelError(new ChatModelError('rate-limited', 20_000));

    expect(text).toBe(
      "I've reached my limit of answers for now. Please try again in about 20 seconds.",
    );
    expect(text).not.toMatch(/people/i);
  });

  it('says a minute when the service did not say when', () => {
    expect(noticeForModelError(new ChatModelError('rate-limited', undefined))).toBe(
      "I've reached my limit of answers for now. Please try again in about a minute.",
    );
  });
});
