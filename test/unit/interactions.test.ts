import {
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { CommandContext, CommandView, SlashCommand } from '../../src/discord/command-view.js';
import {
  buttonId,
  createInteractionHandler,
  parseButtonId,
} from '../../src/discord/interactions.js';
import { silentLogger } from '../fakes/core-fakes.js';

const alice = '200000000000000001';
const bob = '200000000000000002';

/** One call the handler made on an interaction, with what it passed. */
interface Call {
  method: 'reply' | 'deferReply' | 'deferUpdate' | 'editReply' | 'followUp';
  body: unknown;
}

/**
 * The part of a discord.js interaction the handler uses: it records every response, and keeps
 * `deferred` and `replied` as discord.js does. A method in `failing` rejects instead.
 */
class FakeInteraction {
  readonly id = '700000000000000001';
  readonly calls: Call[] = [];
  readonly failing = new Set<Call['method']>();
  deferred = false;
  replied = false;
  readonly user: { id: string };

  constructor(
    userId: string,
    readonly guildId: string | null = null,
    readonly locale = 'en-GB',
  ) {
    this.user = { id: userId };
  }

  isChatInputCommand(): boolean {
    return false;
  }

  isButton(): boolean {
    return false;
  }

  async reply(body: unknown) {
    this.record('reply', body);
    this.replied = true;
  }

  async deferReply(body: unknown) {
    this.record('deferReply', body);
    this.deferred = true;
  }

  async deferUpdate() {
    this.record('deferUpdate', undefined);
    this.deferred = true;
  }

  async editReply(body: unknown) {
    this.record('editReply', body);
  }

  async followUp(body: unknown) {
    this.record('followUp', body);
  }

  /** The methods called, in order. */
  methods(): string[] {
    return this.calls.map((call) => call.method);
  }

  /** What was passed to the only call of `method`, as Discord would receive it (builders as JSON). */
  sent(method: Call['method']): Record<string, unknown> {
    const calls = this.calls.filter((call) => call.method === method);
    if (calls.length !== 1) throw new Error(`${method} was called ${calls.length} times`);
    return JSON.parse(JSON.stringify(calls[0]?.body)) as Record<string, unknown>;
  }

  private record(method: Call['method'], body: unknown): void {
    this.calls.push({ method, body });
    if (this.failing.has(method)) throw new Error(`${method} refused by Discord`);
  }
}

/** A slash command as discord.js gives it: `options.data` holds the options as sent. */
class FakeCommandInteraction extends FakeInteraction {
  readonly options: { data: unknown[] };

  constructor(
    readonly commandName: string,
    options: { userId?: string; data?: unknown[]; guildId?: string; locale?: string } = {},
  ) {
    super(options.userId ?? alice, options.guildId ?? null, options.locale);
    this.options = { data: options.data ?? [] };
  }

  override isChatInputCommand(): boolean {
    return true;
  }
}

/** A button on the bot's message, as discord.js reads it: its type, custom id and its JSON. */
function messageButton(customId: string, label: string) {
  const data: APIButtonComponentWithCustomId = {
    type: 2,
    custom_id: customId,
    label,
    style: ButtonStyle.Secondary,
  };
  return { type: 2, customId, toJSON: () => data };
}

/** A button press: `interactionMetadata` is set on a command's reply, null on any other message. */
class FakeButtonInteraction extends FakeInteraction {
  readonly message: {
    interactionMetadata: { id: string } | null;
    components: Array<{ type: number; components: Array<ReturnType<typeof messageButton>> }>;
  };

  constructor(
    readonly customId: string,
    options: {
      userId?: string;
      onCommandReply?: boolean;
      buttonsOnMessage?: Array<ReturnType<typeof messageButton>>;
    } = {},
  ) {
    super(options.userId ?? alice);
    this.message = {
      interactionMetadata: options.onCommandReply === false ? null : { id: '700000000000000000' },
      components:
        options.buttonsOnMessage === undefined
          ? []
          : [{ type: 1, components: options.buttonsOnMessage }],
    };
  }

  override isButton(): boolean {
    return true;
  }
}

/** A command that records how it was run and pressed, and answers with `view` (or throws it). */
function recordingCommand(name: string, answer: CommandView | Error = { content: 'Done.' }) {
  const runs: Array<{ ctx: CommandContext; options: Record<string, string | undefined> }> = [];
  const presses: Array<{ ctx: CommandContext; action: string; arg: string | undefined }> = [];
  const command: SlashCommand = {
    data: { name, description: `The ${name} command` },
    async run(ctx, options) {
      runs.push({ ctx, options });
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async press(ctx, action, arg) {
      presses.push({ ctx, action, arg });
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { command, runs, presses };
}

/** A handler over `commands` whose contexts record who asked for them, from where. */
function handlerFor(...commands: SlashCommand[]) {
  const contextsFor: Array<[string, string | undefined, string]> = [];
  const context = { marker: 'the context of the caller' } as unknown as CommandContext;
  const handle = createInteractionHandler({
    commands,
    contextFor: (userId, guildId, locale) => {
      contextsFor.push([userId, guildId, locale]);
      return context;
    },
    logger: silentLogger,
  });
  return {
    handle: (interaction: FakeInteraction) => handle(interaction as unknown as Interaction),
    contextsFor,
    context,
  };
}

const ephemeral = MessageFlags.Ephemeral;
const noPings = { parse: [], repliedUser: false };

describe('slash commands', () => {
  it('answers an unknown command privately, without deferring', async () => {
    const { handle } = handlerFor(recordingCommand('memories').command);
    const interaction = new FakeCommandInteraction('removed-command');

    await handle(interaction);

    expect(interaction.calls).toEqual([
      {
        method: 'reply',
        body: {
          content: "I don't know that command any more. It may have been removed.",
          flags: ephemeral,
        },
      },
    ]);
  });

  it('defers the reply privately before running the command', async () => {
    const interaction = new FakeCommandInteraction('memories');
    let callsWhenRun: Call[] = [];
    const command: SlashCommand = {
      data: { name: 'memories', description: 'd' },
      async run() {
        callsWhenRun = [...interaction.calls];
        return { content: 'Done.' };
      },
    };

    await handlerFor(command).handle(interaction);

    expect(callsWhenRun).toEqual([{ method: 'deferReply', body: { flags: ephemeral } }]);
  });

  it('passes the string and number options (numbers as text), and the subcommand’s name, to the command', async () => {
    const { command, runs } = recordingCommand('forget');
    const interaction = new FakeCommandInteraction('forget', {
      data: [
        {
          name: 'topic',
          type: 1,
          options: [
            { name: 'about', type: 3, value: 'my job' },
            { name: 'count', type: 4, value: 3 },
            { name: 'sure', type: 5, value: true },
          ],
        },
      ],
    });

    await handlerFor(command).handle(interaction);

    expect(runs.map((run) => run.options)).toEqual([
      { subcommand: 'topic', about: 'my job', count: '3' },
    ]);
  });

  it('passes a top-level string option to the command, with no subcommand', async () => {
    const { command, runs } = recordingCommand('safety');
    const interaction = new FakeCommandInteraction('safety', {
      data: [{ name: 'country', type: 3, value: 'GB' }],
    });

    await handlerFor(command).handle(interaction);

    expect(runs.map((run) => run.options)).toEqual([{ country: 'GB' }]);
  });

  it('runs the command in the context of the caller, in a DM, in their language', async () => {
    const { command, runs } = recordingCommand('memories');
    const { handle, contextsFor, context } = handlerFor(command);

    await handle(new FakeCommandInteraction('memories', { userId: bob, locale: 'de' }));

    expect(contextsFor).toEqual([[bob, undefined, 'de']]);
    expect(runs[0]?.ctx).toBe(context);
  });

  it('runs the command in the context of the server it was used in', async () => {
    const { handle, contextsFor } = handlerFor(recordingCommand('memories').command);

    await handle(new FakeCommandInteraction('memories', { guildId: '300000000000000001' }));

    expect(contextsFor).toEqual([[alice, '300000000000000001', 'en-GB']]);
  });

  it('shows the command’s view in the deferred reply, pinging no one', async () => {
    const interaction = new FakeCommandInteraction('memories');

    await handlerFor(recordingCommand('memories', { content: 'Hello <@everyone>' }).command).handle(
      interaction,
    );

    expect(interaction.methods()).toEqual(['deferReply', 'editReply']);
    expect(interaction.sent('editReply')).toEqual({
      content: 'Hello <@everyone>',
      allowedMentions: noPings,
      components: [],
      files: [],
    });
  });

  it('makes buttons whose ids carry the command, the action, the caller and the argument', async () => {
    const view: CommandView = {
      content: 'Pick one.',
      buttons: [
        [
          { action: 'delete', arg: '0:m1', label: 'Delete 1', style: 'danger' },
          { action: 'page', arg: '1', label: 'Next', style: 'secondary', disabled: true },
        ],
        [{ action: 'cancel', label: 'Keep', style: 'primary' }],
      ],
    };
    const interaction = new FakeCommandInteraction('memories');

    await handlerFor(recordingCommand('memories', view).command).handle(interaction);

    expect(interaction.sent('editReply').components).toEqual([
      {
        type: 1,
        components: [
          {
            type: 2,
            custom_id: `w0:memories:delete:${alice}:0:m1`,
            label: 'Delete 1',
            style: ButtonStyle.Danger,
            disabled: false,
          },
          {
            type: 2,
            custom_id: `w0:memories:page:${alice}:1`,
            label: 'Next',
            style: ButtonStyle.Secondary,
            disabled: true,
          },
        ],
      },
      {
        type: 1,
        components: [
          {
            type: 2,
            custom_id: `w0:memories:cancel:${alice}:`,
            label: 'Keep',
            style: ButtonStyle.Primary,
            disabled: false,
          },
        ],
      },
    ]);
  });

  it('attaches the view’s file to the private reply', async () => {
    const view: CommandView = {
      content: 'Your file.',
      file: { name: 'wellness0-memories.json', contents: '{"memories":["café ☕"]}' },
    };
    const interaction = new FakeCommandInteraction('export');

    await handlerFor(recordingCommand('export', view).command).handle(interaction);

    const edit = interaction.calls.find((call) => call.method === 'editReply')?.body as {
      files: Array<{ name: string; attachment: Buffer }>;
    };
    expect(edit.files.map((file) => [file.name, file.attachment.toString('utf8')])).toEqual([
      ['wellness0-memories.json', '{"memories":["café ☕"]}'],
    ]);
  });

  it('cuts a view longer than 2,000 characters to 2,000, ending with an ellipsis', async () => {
    const interaction = new FakeCommandInteraction('memories');

    await handlerFor(recordingCommand('memories', { content: 'a'.repeat(2_500) }).command).handle(
      interaction,
    );

    expect(interaction.sent('editReply').content).toBe(`${'a'.repeat(1_999)}…`);
  });

  it('leaves a view of exactly 2,000 characters whole', async () => {
    const interaction = new FakeCommandInteraction('memories');

    await handlerFor(recordingCommand('memories', { content: 'a'.repeat(2_000) }).command).handle(
      interaction,
    );

    expect(interaction.sent('editReply').content).toBe('a'.repeat(2_000));
  });

  it('never cuts a long view inside an emoji', async () => {
    // The emoji's two UTF-16 units are the 1,999th and 2,000th: the cut would fall between them.
    const content = `${'a'.repeat(1_998)}😀${'b'.repeat(10)}`;
    const interaction = new FakeCommandInteraction('memories');

    await handlerFor(recordingCommand('memories', { content }).command).handle(interaction);

    expect(interaction.sent('editReply').content).toBe(`${'a'.repeat(1_998)}…`);
  });

  it('tells the person privately when the command fails after deferring, without the error', async () => {
    const failure = new Error('mem0 at 10.0.0.7 said ECONNRESET');
    const interaction = new FakeCommandInteraction('memories');

    await handlerFor(recordingCommand('memories', failure).command).handle(interaction);

    expect(interaction.methods()).toEqual(['deferReply', 'followUp']);
    expect(interaction.sent('followUp')).toEqual({
      content:
        'Something went wrong and I could not finish that. Nothing was changed unless I said so; please try again in a minute.',
      flags: ephemeral,
    });
  });

  it('tells the person with a private reply when it fails before anything was sent', async () => {
    const interaction = new FakeCommandInteraction('memories');
    interaction.failing.add('deferReply');

    await handlerFor(recordingCommand('memories').command).handle(interaction);

    expect(interaction.methods()).toEqual(['deferReply', 'reply']);
    expect(interaction.sent('reply')).toMatchObject({ flags: ephemeral });
    expect(interaction.sent('reply').content).toMatch(/^Something went wrong/);
  });
});

describe('buttons', () => {
  it('refuses, privately, a press on buttons that belong to someone else', async () => {
    const { command, presses } = recordingCommand('forget');
    const interaction = new FakeButtonInteraction(buttonId('forget', 'everything', alice), {
      userId: bob,
    });

    await handlerFor(command).handle(interaction);

    expect(presses).toEqual([]);
    expect(interaction.calls).toEqual([
      {
        method: 'reply',
        body: {
          content:
            'These buttons belong to someone else. Use the command yourself to see your own.',
          flags: ephemeral,
        },
      },
    ]);
  });

  it.each([
    ['not made by the bot', 'some-other-bot:button'],
    ['without an owner', 'w0:forget:everything'],
    ['of a command that no longer exists', `w0:removed:everything:${alice}:`],
    ['of a command that has no buttons', `w0:plain:go:${alice}:`],
  ])('refuses, privately, a button id %s', async (_, customId) => {
    const { command, presses } = recordingCommand('forget');
    const plain: SlashCommand = {
      data: { name: 'plain', description: 'd' },
      run: async () => ({ content: 'Done.' }),
    };
    const interaction = new FakeButtonInteraction(customId);

    await handlerFor(command, plain).handle(interaction);

    expect(presses).toEqual([]);
    expect(interaction.calls).toEqual([
      {
        method: 'reply',
        body: {
          content: 'That button no longer works. Please run the command again.',
          flags: ephemeral,
        },
      },
    ]);
  });

  it('gives the press its action and argument, in the context of the caller', async () => {
    const { command, presses } = recordingCommand('memories');
    const { handle, contextsFor, context } = handlerFor(command);

    await handle(new FakeButtonInteraction(buttonId('memories', 'delete', alice, '1:m6')));

    expect(contextsFor).toEqual([[alice, undefined, 'en-GB']]);
    expect(presses).toEqual([{ ctx: context, action: 'delete', arg: '1:m6' }]);
  });

  it('edits a command’s private reply in place when one of its buttons is pressed', async () => {
    const { command } = recordingCommand('memories', { content: 'Deleted.' });
    const interaction = new FakeButtonInteraction(buttonId('memories', 'delete', alice, '0:m1'));

    await handlerFor(command).handle(interaction);

    expect(interaction.methods()).toEqual(['deferUpdate', 'editReply']);
    expect(interaction.sent('editReply')).toEqual({
      content: 'Deleted.',
      allowedMentions: noPings,
      components: [],
      files: [],
    });
  });

  it('takes just the pressed button off a conversation message, and answers privately', async () => {
    const remember = buttonId('safety', 'remember', alice, 'held-1');
    const underAge = buttonId('safety', 'under-18', alice);
    const { command } = recordingCommand('safety', { content: 'Thank you for trusting me.' });
    const interaction = new FakeButtonInteraction(remember, {
      onCommandReply: false,
      buttonsOnMessage: [
        messageButton(remember, 'Remember this'),
        messageButton(underAge, "I'm under 18"),
      ],
    });

    await handlerFor(command).handle(interaction);

    expect(interaction.methods()).toEqual(['deferUpdate', 'editReply', 'followUp']);
    // Only the components are edited: the message's text stays as it was.
    expect(interaction.sent('editReply')).toEqual({
      components: [
        {
          type: 1,
          components: [
            { type: 2, custom_id: underAge, label: "I'm under 18", style: ButtonStyle.Secondary },
          ],
        },
      ],
    });
    expect(interaction.sent('followUp')).toEqual({
      content: 'Thank you for trusting me.',
      allowedMentions: noPings,
      components: [],
      files: [],
      flags: ephemeral,
    });
  });

  it('leaves no empty row when the only button of a conversation message is pressed', async () => {
    const underAge = buttonId('safety', 'under-18', alice);
    const interaction = new FakeButtonInteraction(underAge, {
      onCommandReply: false,
      buttonsOnMessage: [messageButton(underAge, "I'm under 18")],
    });

    await handlerFor(recordingCommand('safety').command).handle(interaction);

    expect(interaction.sent('editReply')).toEqual({ components: [] });
  });

  it('still answers privately when the used button cannot be taken off the message', async () => {
    const underAge = buttonId('safety', 'under-18', alice);
    const interaction = new FakeButtonInteraction(underAge, {
      onCommandReply: false,
      buttonsOnMessage: [messageButton(underAge, "I'm under 18")],
    });
    interaction.failing.add('editReply');

    await handlerFor(recordingCommand('safety', { content: 'Noted.' }).command).handle(interaction);

    expect(interaction.methods()).toEqual(['deferUpdate', 'editReply', 'followUp']);
    expect(interaction.sent('followUp')).toMatchObject({ content: 'Noted.', flags: ephemeral });
  });

  it('tells the person privately when a press fails after deferring', async () => {
    const interaction = new FakeButtonInteraction(buttonId('forget', 'everything', alice));

    await handlerFor(recordingCommand('forget', new Error('mem0 down')).command).handle(
      interaction,
    );

    expect(interaction.methods()).toEqual(['deferUpdate', 'followUp']);
    expect(interaction.sent('followUp')).toMatchObject({ flags: ephemeral });
    expect(interaction.sent('followUp').content).toMatch(/^Something went wrong/);
  });
});

describe('other interactions', () => {
  it('leaves alone an interaction that is neither a slash command nor a button', async () => {
    const interaction = new FakeInteraction(alice);
    const { command, runs } = recordingCommand('memories');

    await handlerFor(command).handle(interaction);

    expect(runs).toEqual([]);
    expect(interaction.calls).toEqual([]);
  });
});

describe('buttonId', () => {
  it.each([
    ['memories', 'delete', alice, '1:m6'],
    ['safety', 'remember', bob, 'aGVsZC1rZXktMTIzNDU2Nzg5MA'],
    ['forget', 'everything', alice, undefined],
  ])('is read back by parseButtonId: %s %s', (command, action, ownerId, arg) => {
    expect(parseButtonId(buttonId(command, action, ownerId, arg))).toEqual({
      command,
      action,
      ownerId,
      arg,
    });
  });

  it('fits in Discord’s 100 characters for a 22-character key', () => {
    // https://discord.com/developers/docs/components/reference#button
    const id = buttonId('forget', 'topic', '12345678901234567890', 'x'.repeat(22));

    expect(id.length).toBeLessThanOrEqual(100);
  });

  it.each([[''], ['w0'], ['w0::delete:1:'], ['w0:memories::1:'], ['w1:memories:delete:1:']])(
    'reads %j as no button of the bot',
    (id) => {
      expect(parseButtonId(id)).toBeUndefined();
    },
  );
});
