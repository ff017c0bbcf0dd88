import { describe, expect, it } from 'vitest';
import { safetyCommand } from '../../../commands/safety.js';
import type { CommandSafety } from '../../../src/discord/command-view.js';
import { commandContext, unscripted } from '../../fakes/command-context.js';
import type { PersonSafety } from '../../../src/safety/safety-settings.js';

/**
 * The caller's safety settings in RAM: records each change and each held exchange asked for;
 * the lines it shows name the region set when they are asked for.
 */
class RecordingSafety implements CommandSafety {
  readonly changes: Array<Partial<Pick<PersonSafety, 'region' | 'minor'>>> = [];
  readonly rememberAsked: string[] = [];
  current: PersonSafety = { region: undefined, locale: 'en-GB', minor: false };
  readonly forget = unscripted('safety.forget');

  constructor(
    /** Keys of the crisis exchanges still held back for the caller. */
    private readonly held: Set<string>,
    readonly policyUrl: string | undefined,
  ) {}

  settings(): PersonSafety {
    return this.current;
  }

  update(change: Partial<Pick<PersonSafety, 'region' | 'minor'>>): void {
    this.changes.push(change);
    this.current = { ...this.current, ...change };
  }

  lines() {
    const region = this.current.region;
    return { text: `LINES FOR ${region ?? 'THE DISCORD LANGUAGE'}`, region };
  }

  regions() {
    return [
      { code: 'GB', name: 'the United Kingdom' },
      { code: 'US', name: 'the United States' },
    ];
  }

  rememberWithheld(key: string): boolean {
    this.rememberAsked.push(key);
    return this.held.delete(key);
  }
}

/** A context for Alice whose memory and confirmations throw: /safety needs neither. */
function setup(options: { held?: string[]; policyUrl?: string } = {}) {
  const safety = new RecordingSafety(new Set(options.held), options.policyUrl);
  const ctx = commandContext({ safety });
  return { ctx, safety };
}

describe('/safety lines', () => {
  it('shows the crisis lines for the caller', async () => {
    const { ctx, safety } = setup();

    const view = await safetyCommand.run(ctx, { subcommand: 'lines' });

    expect(view.content).toBe('LINES FOR THE DISCORD LANGUAGE');
    expect(safety.changes).toEqual([]);
  });
});

describe('/safety region', () => {
  it('sets a known region, however it is typed, and shows that region’s lines', async () => {
    const { ctx, safety } = setup();

    const view = await safetyCommand.run(ctx, { subcommand: 'region', country: ' gb ' });

    expect(safety.changes).toEqual([{ region: 'GB' }]);
    expect(view.content).toBe(
      "Done: I'll show you crisis lines for the United Kingdom.\n\nLINES FOR GB",
    );
  });

  it('changes nothing for an unknown region, and lists the known ones and where to find more', async () => {
    const { ctx, safety } = setup();

    const view = await safetyCommand.run(ctx, { subcommand: 'region', country: 'zz' });

    expect(safety.changes).toEqual([]);
    expect(view.content).toBe(
      "I don't have crisis lines for “ZZ” yet. I have them for GB, US. <https://findahelpline.com> lists free lines in many more countries.\n\nUse `/safety region` with a two-letter country code (such as US, GB, DE or BR), or `auto` to go back to your Discord language.",
    );
  });

  it('repeats at most four characters of what was typed', async () => {
    const { ctx } = setup();

    const view = await safetyCommand.run(ctx, { subcommand: 'region', country: 'abcdefgh' });

    expect(view.content).toMatch(/^I don't have crisis lines for “ABCD” yet\./);
  });

  it('goes back to the Discord language for auto, and shows those lines', async () => {
    const { ctx, safety } = setup();
    safety.current = { ...safety.current, region: 'US' };

    const view = await safetyCommand.run(ctx, { subcommand: 'region', country: 'Auto' });

    expect(safety.changes).toEqual([{ region: undefined }]);
    expect(view.content).toBe(
      "Done: I'll go by your Discord language again.\n\nLINES FOR THE DISCORD LANGUAGE",
    );
  });
});

describe('/safety age', () => {
  it('records that the caller is under 18, and says what changes', async () => {
    const { ctx, safety } = setup();

    const view = await safetyCommand.run(ctx, { subcommand: 'age', age: 'under-18' });

    expect(safety.changes).toEqual([{ minor: true }]);
    expect(view.content).toBe(
      "Thank you for telling me. I'll remind you to take a break every few hours, and keep our conversations age-appropriate. I'm an AI, not a person.",
    );
  });

  it('records that the caller is 18 or over', async () => {
    const { ctx, safety } = setup();
    safety.current = { ...safety.current, minor: true };

    const view = await safetyCommand.run(ctx, { subcommand: 'age', age: 'adult' });

    expect(safety.changes).toEqual([{ minor: false }]);
    expect(view.content).toBe("Thanks, noted: you're 18 or over.");
  });
});

describe('/safety about', () => {
  it('explains the crisis protocol, what is kept, and the age setting, without a link when none was published', async () => {
    const { ctx } = setup();

    const view = await safetyCommand.run(ctx, { subcommand: 'about' });

    // Each paragraph by its bold heading; no link to a protocol no one published.
    expect(
      view.content.split('\n').map((line) => /^\*\*[^*]+\*\*/.exec(line)?.[0] ?? line),
    ).toEqual([
      '**How I handle a crisis.**',
      '**What I keep.**',
      '**Under 18?**',
      'Crisis lines for where you are: `/safety lines`.',
    ]);
    expect(view.content).toContain('I never give details of methods.');
  });

  it('links the whole protocol where the operator published it', async () => {
    const { ctx } = setup({ policyUrl: 'https://example.org/safety' });

    const view = await safetyCommand.run(ctx, { subcommand: 'about' });

    expect(view.content.split('\n')).toContain('The whole protocol: <https://example.org/safety>');
  });

  it('explains the protocol when no subcommand is given', async () => {
    const { ctx } = setup();

    const about = await safetyCommand.run(ctx, { subcommand: 'about' });
    const none = await safetyCommand.run(ctx, {});

    expect(none).toEqual(about);
  });
});

describe('/safety buttons', () => {
  it('keeps the held-back crisis conversation when its person presses remember', async () => {
    const { ctx, safety } = setup({ held: ['held-1'] });

    const view = await safetyCommand.press(ctx, 'remember', 'held-1');

    expect(safety.rememberAsked).toEqual(['held-1']);
    expect(view.content).toBe(
      "Thank you for trusting me. I'll remember that you're going through this. `/memories` shows what I keep, and `/forget` deletes it.",
    );
  });

  it('says nothing was saved when the conversation is no longer held back', async () => {
    const { ctx, safety } = setup({ held: [] });

    const view = await safetyCommand.press(ctx, 'remember', 'held-1');

    expect(safety.rememberAsked).toEqual(['held-1']);
    expect(view.content).toBe(
      "That conversation is no longer waiting (it was a while ago, you asked me to forget, or it's already kept), so nothing was saved.",
    );
  });

  it('saves nothing the second time remember is pressed', async () => {
    const { ctx } = setup({ held: ['held-1'] });
    await safetyCommand.press(ctx, 'remember', 'held-1');

    const again = await safetyCommand.press(ctx, 'remember', 'held-1');

    expect(again.content).toMatch(/nothing was saved\.$/);
  });

  it('records that the caller is under 18 when they press the under-18 button', async () => {
    const { ctx, safety } = setup();

    const view = await safetyCommand.press(ctx, 'under-18', undefined);

    expect(safety.changes).toEqual([{ minor: true }]);
    expect(view.content).toBe(
      "Thank you for telling me. I'll remind you to take a break every few hours, and keep our conversations age-appropriate. You can change this with `/safety age`.",
    );
  });
});
