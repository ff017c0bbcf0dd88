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
    channelKind: 'guild',
    guildId: serverId,
    audienceChannelId: channelId,
    inThread: false,
    settingsChannelId: channelId,
    botMaySend: true,
    canReply: true,
    content: 'hello everyone',
    mentionsBot: false,
    repliesToBot: false,
    ...overrides,
  };
}

function directMessage(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return serverMessage({
    channelKind: 'dm',
    guildId: undefined,
    content: 'hi there',
    ...overrides,
  });
}

/** A message in a group DM (a private channel that is not the bot's DM with the person). */
function groupDmMessage(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return serverMessage({ channelKind: 'private-channel', guildId: undefined, ...overrides });
}

const noFollowedThreads = () => false;
const follows =
  (...keys: Array<{ channelId: string; authorId: string }>) =>
  (thread: { channelId: string; authorId: string }) =>
    keys.some((k) => k.channelId === thread.channelId && k.authorId === thread.authorId);

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

  it('answers a message in a thread it follows for that person', () => {
    const message = serverMessage({ channelId: threadId, inThread: true });

    expect(
      addressedBy(message, botUserId, follows({ channelId: threadId, authorId: personId })),
    ).toBe('thread');
  });

  it('does not answer someone in a followed thread who never addressed it there', () => {
    const message = serverMessage({ channelId: threadId, inThread: true });
    const followsOther = follows({ channelId: threadId, authorId: '666666666666666666' });

    expect(addressedBy(message, botUserId, followsOther)).toBeUndefined();
  });

  it('does not answer a message in a thread it does not follow', () => {
    const message = serverMessage({ channelId: threadId, inThread: true });
    const elsewhere = follows({ channelId: '777777777777777777', authorId: personId });

    expect(addressedBy(message, botUserId, elsewhere)).toBeUndefined();
  });

  it('does not answer an empty message in a followed thread (content it cannot read)', () => {
    const message = serverMessage({ channelId: threadId, inThread: true, content: '  ' });

    expect(
      addressedBy(message, botUserId, follows({ channelId: threadId, authorId: personId })),
    ).toBeUndefined();
  });

  it('declines a group DM that mentions it, rather than treating it as its DM', () => {
    expect(addressedBy(groupDmMessage({ mentionsBot: true }), botUserId, noFollowedThreads)).toBe(
      'private-channel',
    );
  });

  it('stays quiet in a group DM that does not address it', () => {
    expect(addressedBy(groupDmMessage(), botUserId, noFollowedThreads)).toBeUndefined();
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
      origin: { kind: 'guild', guildId: serverId, channelId, audienceChannelId: channelId },
    });
  });

  it('places a public thread message in the thread, with its parent channel as audience', () => {
    const message = serverMessage({ channelId: threadId, inThread: true });
    const turn = messageToTurn(message, botUserId);

    expect(turn.placeId).toBe(threadId);
    expect(turn.origin).toEqual({
      kind: 'guild',
      guildId: serverId,
      channelId: threadId,
      audienceChannelId: channelId,
    });
  });

  it('never gives a group DM message the private origin of a DM', () => {
    expect(() => messageToTurn(groupDmMessage({ mentionsBot: true }), botUserId)).toThrow();
  });

  it('never gives a server message without a server id the private origin of a DM', () => {
    expect(() => messageToTurn(serverMessage({ guildId: undefined }), botUserId)).toThrow();
  });

  it('refuses a message whose author id is not a Discord snowflake', () => {
    expect(() => messageToTurn(directMessage({ authorId: '' }), botUserId)).toThrow(/malformed/);
  });
});
