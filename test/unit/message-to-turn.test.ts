import { describe, expect, it } from 'vitest';
import {
  addressedBy,
  type IncomingMessage,
  messageToTurn,
  stripBotMention,
} from '../../src/discord/message-to-turn.js';

const botUserId = '999999999999999999';
const personId = '111111111111111111';
const serverId = '222222222222222222';
const channelId = '333333333333333333';
const threadId = '444444444444444444';

/** A plain message from a person in a server channel, not addressed to the bot. */
function serverMessage(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    id: '555555555555555555',
    authorId: personId,
    authorIsBot: false,
    isSystem: false,
    channelId,
    guildId: serverId,
    inThread: false,
    content: 'hello everyone',
    mentionsBot: false,
    repliesToBot: false,
    ...overrides,
  };
}

function directMessage(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return serverMessage({ guildId: undefined, content: 'hi there', ...overrides });
}

const noFollowedThreads = () => false;
const follows =
  (...ids: string[]) =>
  (id: string) =>
    ids.includes(id);

describe('addressedBy', () => {
  it('answers every direct message', () => {
    expect(addressedBy(directMessage(), botUserId, noFollowedThreads)).toBe('dm');
  });

  it('does not answer a server message that is not addressed to it', () => {
    expect(addressedBy(serverMessage(), botUserId, noFollowedThreads)).toBeUndefined();
  });

  it('answers a server message that mentions it', () => {
    const message = serverMessage({ content: `<@${botUserId}> hi`, mentionsBot: true });

    expect(addressedBy(message, botUserId, noFollowedThreads)).toBe('mention');
  });

  it('answers a server message that replies to it', () => {
    const message = serverMessage({ repliesToBot: true });

    expect(addressedBy(message, botUserId, noFollowedThreads)).toBe('reply');
  });

  it('answers a message in a thread it follows', () => {
    const message = serverMessage({ channelId: threadId, inThread: true });

    expect(addressedBy(message, botUserId, follows(threadId))).toBe('thread');
  });

  it('does not answer a message in a thread it does not follow', () => {
    const message = serverMessage({ channelId: threadId, inThread: true });

    expect(addressedBy(message, botUserId, follows('777777777777777777'))).toBeUndefined();
  });

  it('does not answer an empty message in a followed thread (content it cannot read)', () => {
    const message = serverMessage({ channelId: threadId, inThread: true, content: '  ' });

    expect(addressedBy(message, botUserId, follows(threadId))).toBeUndefined();
  });

  it('does not answer a message that pings @everyone without mentioning it', () => {
    const message = serverMessage({ content: '@everyone meeting at 5', mentionsBot: false });

    expect(addressedBy(message, botUserId, noFollowedThreads)).toBeUndefined();
  });

  it('ignores other bots, even when they mention it or write in a DM', () => {
    expect(
      addressedBy(
        serverMessage({ authorIsBot: true, mentionsBot: true }),
        botUserId,
        noFollowedThreads,
      ),
    ).toBeUndefined();
    expect(
      addressedBy(directMessage({ authorIsBot: true }), botUserId, noFollowedThreads),
    ).toBeUndefined();
  });

  it('ignores its own messages', () => {
    const own = serverMessage({ authorId: botUserId, mentionsBot: true, repliesToBot: true });

    expect(addressedBy(own, botUserId, noFollowedThreads)).toBeUndefined();
    expect(
      addressedBy(directMessage({ authorId: botUserId }), botUserId, noFollowedThreads),
    ).toBeUndefined();
  });

  it('ignores system messages', () => {
    expect(
      addressedBy(
        serverMessage({ isSystem: true, mentionsBot: true }),
        botUserId,
        noFollowedThreads,
      ),
    ).toBeUndefined();
    expect(
      addressedBy(directMessage({ isSystem: true }), botUserId, noFollowedThreads),
    ).toBeUndefined();
  });
});

describe('stripBotMention', () => {
  it('removes its mention from the text', () => {
    expect(stripBotMention(`<@${botUserId}> how are you?`, botUserId)).toBe('how are you?');
  });

  it('removes its nickname-style mention too', () => {
    expect(stripBotMention(`hey <@!${botUserId}>, you there?`, botUserId)).toBe('hey , you there?');
  });

  it('removes every mention of it', () => {
    expect(stripBotMention(`<@${botUserId}> hi <@${botUserId}>`, botUserId)).toBe('hi');
  });

  it('keeps mentions of other people', () => {
    expect(stripBotMention(`<@${botUserId}> say hi to <@${personId}>`, botUserId)).toBe(
      `say hi to <@${personId}>`,
    );
  });
});

describe('messageToTurn', () => {
  it('turns a direct message into a DM turn placed in its channel', () => {
    expect(messageToTurn(directMessage({ content: 'hi there' }), botUserId)).toEqual({
      userId: `discord:${personId}`,
      text: 'hi there',
      placeId: channelId,
      origin: { kind: 'dm', channelId },
    });
  });

  it('turns a server message into a server turn without its mention', () => {
    const message = serverMessage({ content: `<@${botUserId}> I feel low`, mentionsBot: true });

    expect(messageToTurn(message, botUserId)).toEqual({
      userId: `discord:${personId}`,
      text: 'I feel low',
      placeId: channelId,
      origin: { kind: 'guild', guildId: serverId, channelId },
    });
  });

  it('places a thread message in the thread, not its parent channel', () => {
    const turn = messageToTurn(serverMessage({ channelId: threadId, inThread: true }), botUserId);

    expect(turn.placeId).toBe(threadId);
    expect(turn.origin).toEqual({ kind: 'guild', guildId: serverId, channelId: threadId });
  });

  it('refuses a message whose author id is not a Discord snowflake', () => {
    expect(() => messageToTurn(directMessage({ authorId: '' }), botUserId)).toThrow(/malformed/);
  });
});
