import { describe, expect, it } from 'vitest';
import type { Turn } from '../../src/conversation/conversation.js';
import { memoryUserIdForDiscord, type MemoryUserId } from '../../src/memory/user-id.js';
import { createCrisisFirst } from '../../src/safety/crisis-first.js';
import { defaultCrisisResources } from '../../src/safety/builtin-crisis-lines.js';
import type {
  ReferralCounts,
  ReferralDays,
  ReferralTrigger,
} from '../../src/safety/referral-counts.js';
import type { PersonSafety, SafetySettings } from '../../src/safety/safety-settings.js';
import { RecordingReplyTarget, silentLogger } from '../fakes/core-fakes.js';

const alice = memoryUserIdForDiscord('111111111111111111');
const crisisText = 'i want to kill myself tonight';

/** Safety settings scripted per person; a person not scripted has the defaults. Only `get` is expected. */
class ScriptedSafetySettings implements SafetySettings {
  readonly people = new Map<MemoryUserId, PersonSafety>();
  getFailure: Error | undefined;

  get(userId: MemoryUserId): PersonSafety {
    if (this.getFailure !== undefined) throw this.getFailure;
    return this.people.get(userId) ?? { region: undefined, locale: undefined, minor: false };
  }

  update(): void {
    throw new Error('ScriptedSafetySettings: unexpected update');
  }

  forget(): void {
    throw new Error('ScriptedSafetySettings: unexpected forget');
  }

  close(): void {
    throw new Error('ScriptedSafetySettings: unexpected close');
  }
}

/** Referral counts that record each count; `failure` makes counting throw. */
class RecordingReferrals implements ReferralCounts {
  readonly counted: Array<{ region: string | undefined; trigger: ReferralTrigger }> = [];
  failure: Error | undefined;

  count(region: string | undefined, trigger: ReferralTrigger): void {
    if (this.failure !== undefined) throw this.failure;
    this.counted.push({ region, trigger });
  }

  snapshot(): ReferralDays {
    throw new Error('RecordingReferrals: unexpected snapshot');
  }
}

/** A target whose posts never arrive, as when Discord refuses them. */
class UnreachableReplyTarget extends RecordingReplyTarget {
  override async sendNow(): Promise<void> {
    throw new Error('Missing Access');
  }
}

function setup(options: { person?: Partial<PersonSafety>; defaultRegion?: string } = {}) {
  const settings = new ScriptedSafetySettings();
  if (options.person !== undefined) {
    settings.people.set(alice, {
      region: undefined,
      locale: undefined,
      minor: false,
      ...options.person,
    });
  }
  const referrals = new RecordingReferrals();
  const screen = createCrisisFirst({
    resources: defaultCrisisResources,
    settings,
    referrals,
    defaultRegion: options.defaultRegion,
    logger: silentLogger,
  });
  return { screen, settings, referrals };
}

function turnOf(text: string, serverLocale?: string): Turn {
  return {
    userId: alice,
    text,
    origin: { kind: 'dm', channelId: '900000000000000001' },
    placeId: '900000000000000001',
    ...(serverLocale === undefined ? {} : { serverLocale }),
  };
}

/** The one message of crisis lines posted to `target`. */
function linesPosted(target: RecordingReplyTarget): string {
  expect(target.sentNow).toHaveLength(1);
  return target.sentNow[0] ?? '';
}

describe('createCrisisFirst', () => {
  it('posts the crisis lines as soon as a crisis message is screened, before anything is awaited', () => {
    const { screen } = setup({ person: { region: 'US' } });
    const target = new RecordingReplyTarget();

    const safety = screen.screen(turnOf(crisisText), target);

    expect(target.sentNow).toEqual([safety.crisisLines?.text]);
    expect(linesPosted(target)).toContain('call or text 988');
    expect(target.sent).toEqual([]);
  });

  it('counts one detected referral for the region once the lines are delivered', async () => {
    const { screen, referrals } = setup({ person: { region: 'US' } });

    const safety = screen.screen(turnOf(crisisText), new RecordingReplyTarget());

    expect(await safety.crisisLines?.delivered).toBe(true);
    expect(referrals.counted).toEqual([{ region: 'US', trigger: 'detected' }]);
  });

  it('posts nothing and counts nothing for a figure of speech', async () => {
    const { screen, referrals } = setup({ person: { region: 'US' } });
    const target = new RecordingReplyTarget();

    const safety = screen.screen(turnOf('this exam is killing me'), target);
    await Promise.resolve();

    expect(safety.crisis.isCrisis).toBe(false);
    expect(safety.crisisLines).toBeUndefined();
    expect(target.sentNow).toEqual([]);
    expect(referrals.counted).toEqual([]);
  });

  it("gives the person's own region first, over their locale, the server's and the default", () => {
    const { screen } = setup({ person: { region: 'NZ', locale: 'en-AU' }, defaultRegion: 'US' });
    const target = new RecordingReplyTarget();

    screen.screen(turnOf(crisisText, 'en-GB'), target);

    const lines = linesPosted(target);
    expect(lines).toContain('call or text 1737');
    expect(lines).not.toContain('13 11 14');
    expect(lines).not.toContain('116 123');
    expect(lines).not.toContain('988');
  });

  it("places someone without a region by their own locale before the server's", () => {
    const { screen } = setup({ person: { locale: 'en-AU' }, defaultRegion: 'US' });
    const target = new RecordingReplyTarget();

    screen.screen(turnOf(crisisText, 'en-GB'), target);

    const lines = linesPosted(target);
    expect(lines).toContain('call 13 11 14');
    expect(lines).not.toContain('116 123');
    expect(lines).not.toContain('988');
  });

  it("places someone by the server's locale before the operator's default", async () => {
    const { screen, referrals } = setup({ defaultRegion: 'US' });
    const target = new RecordingReplyTarget();

    const safety = screen.screen(turnOf(crisisText, 'en-GB'), target);
    await safety.crisisLines?.delivered;

    expect(linesPosted(target)).toContain('Samaritans: call 116 123');
    expect(linesPosted(target)).not.toContain('988');
    expect(referrals.counted).toEqual([{ region: 'GB', trigger: 'detected' }]);
  });

  it("falls back to the operator's default region when nothing else places the person", () => {
    const { screen } = setup({ defaultRegion: 'GB' });
    const target = new RecordingReplyTarget();

    screen.screen(turnOf(crisisText), target);

    expect(linesPosted(target)).toContain('Samaritans: call 116 123');
    expect(linesPosted(target)).not.toContain('988');
  });

  it('counts a referral under no region when nothing places the person', async () => {
    const { screen, referrals } = setup();

    const safety = screen.screen(turnOf(crisisText), new RecordingReplyTarget());
    await safety.crisisLines?.delivered;

    expect(referrals.counted).toEqual([{ region: undefined, trigger: 'detected' }]);
  });

  it("writes the lines in the message's language, whatever the person's locale", () => {
    const { screen } = setup({ person: { locale: 'en-GB' } });
    const target = new RecordingReplyTarget();

    const safety = screen.screen(turnOf('quiero suicidarme'), target);

    const lines = linesPosted(target);
    expect(lines).toContain('Me alegra mucho que me lo hayas contado.');
    expect(lines).toContain('Si estás en peligro ahora mismo, llama al 999.');
    expect(lines).not.toContain("I'm really glad you told me.");
    expect(safety.crisis.isCrisis && safety.crisis.language).toBe('es');
  });

  it('reports the lines undelivered, and counts nothing, when they cannot be posted', async () => {
    const { screen, referrals } = setup({ person: { region: 'US' } });

    const safety = screen.screen(turnOf(crisisText), new UnreachableReplyTarget());

    expect(await safety.crisisLines?.delivered).toBe(false);
    expect(referrals.counted).toEqual([]);
  });

  it('shows the lines at once as the status of the answer when they cannot be posted', async () => {
    const { screen } = setup({ person: { region: 'US' } });
    const target = new UnreachableReplyTarget();

    const safety = screen.screen(turnOf(crisisText), target);
    await safety.crisisLines?.delivered;

    expect(target.notices).toHaveLength(1);
    expect(target.notices[0]).toContain('988');
  });

  it('still reports the lines delivered when the referral cannot be counted', async () => {
    const { screen, referrals } = setup({ person: { region: 'US' } });
    referrals.failure = new Error('EACCES: permission denied');

    const safety = screen.screen(turnOf(crisisText), new RecordingReplyTarget());

    expect(await safety.crisisLines?.delivered).toBe(true);
  });

  it("sends the lines for the server's region when the safety settings cannot be read", () => {
    const { screen, settings } = setup({ defaultRegion: 'US' });
    settings.getFailure = new Error('SQLITE_CANTOPEN: unable to open database file');
    const target = new RecordingReplyTarget();

    const safety = screen.screen(turnOf(crisisText, 'en-GB'), target);

    expect(linesPosted(target)).toContain('Samaritans: call 116 123');
    expect(safety.region).toBe('GB');
    expect(safety.minor).toBe(false);
  });

  it('passes on that the person is under 18', () => {
    const { screen } = setup({ person: { minor: true } });

    const safety = screen.screen(turnOf('I adopted a cat named Miso'), new RecordingReplyTarget());

    expect(safety.minor).toBe(true);
  });

  it("tells the rest of the turn the person's region and the language of their notices", () => {
    const { screen } = setup({ person: { locale: 'de-AT' } });

    const safety = screen.screen(turnOf('I adopted a cat named Miso'), new RecordingReplyTarget());

    expect(safety).toEqual({
      crisis: { isCrisis: false },
      minor: false,
      region: 'AT',
      language: 'de',
    });
  });
});
