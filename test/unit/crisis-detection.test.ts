import { describe, expect, it } from 'vitest';
import { type CrisisLanguage, detectCrisis } from '../../src/safety/crisis-detection.js';
import { type CrisisCorpusEntry, crisisCorpus } from '../safety/crisis-corpus.js';

const languages: CrisisLanguage[] = ['en', 'es', 'fr', 'de', 'pt'];

const inLanguage = (language: CrisisLanguage) =>
  crisisCorpus.filter((entry) => entry.language === language);
const missed = (entries: readonly CrisisCorpusEntry[]) =>
  entries.filter((entry) => !detectCrisis(entry.text).isCrisis).map((entry) => entry.text);
const flagged = (entries: readonly CrisisCorpusEntry[]) =>
  entries.filter((entry) => detectCrisis(entry.text).isCrisis).map((entry) => entry.text);

/** Median wall time of `run`, in ms, over `rounds` rounds after a warm-up. */
function medianMs(run: () => void, rounds = 15): number {
  for (let i = 0; i < 3; i++) run();
  const times = Array.from({ length: rounds }, () => {
    const started = performance.now();
    run();
    return performance.now() - started;
  }).sort((a, b) => a - b);
  return times[Math.floor(rounds / 2)] ?? 0;
}

describe('crisis detection on the labelled corpus', () => {
  it('has the sizes the safety issue asks for, with about a fifth held out', () => {
    const crisis = crisisCorpus.filter((entry) => entry.crisis);
    const nearMisses = crisisCorpus.filter((entry) => !entry.crisis && entry.category !== 'chat');
    const heldOut = crisisCorpus.filter((entry) => entry.set !== 'development');
    expect(crisisCorpus.length).toBeGreaterThanOrEqual(320);
    expect(crisis.length).toBeGreaterThanOrEqual(110);
    expect(nearMisses.length).toBeGreaterThanOrEqual(160);
    expect(heldOut.length / crisisCorpus.length).toBeGreaterThanOrEqual(0.2);
    for (const language of languages) {
      const entries = inLanguage(language);
      expect(entries.some((entry) => entry.crisis && entry.statement === 'direct')).toBe(true);
      expect(entries.some((entry) => entry.crisis && entry.statement === 'indirect')).toBe(true);
    }
  });

  it('has a third held-out set of at least 100 messages across every language and kind', () => {
    const third = crisisCorpus.filter((entry) => entry.set === 'held-out-3');
    const crisis = third.filter((entry) => entry.crisis);
    expect(third.length).toBeGreaterThanOrEqual(100);
    expect(crisis.length).toBeGreaterThanOrEqual(50);
    expect(third.length - crisis.length).toBeGreaterThanOrEqual(50);
    for (const language of languages) {
      const inThird = crisis.filter((entry) => entry.language === language);
      expect(inThird.length, language).toBeGreaterThanOrEqual(8);
      expect(new Set(inThird.map((entry) => entry.statement)).size, language).toBe(2);
    }
    expect(new Set(crisis.map((entry) => entry.kind))).toEqual(
      new Set(['suicidal-intent', 'self-harm', 'imminent-danger']),
    );
  });

  it('holds no message twice', () => {
    const texts = crisisCorpus.map((entry) => entry.text.toLowerCase().trim());
    expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
  });

  it.each(languages)('detects every direct crisis statement in %s', (language) => {
    const direct = inLanguage(language).filter(
      (entry) => entry.crisis && entry.statement === 'direct',
    );
    expect(missed(direct)).toEqual([]);
  });

  it.each(languages)('detects at least 90% of indirect crisis statements in %s', (language) => {
    const indirect = inLanguage(language).filter(
      (entry) => entry.crisis && entry.statement === 'indirect',
    );
    const misses = missed(indirect);
    expect(1 - misses.length / indirect.length, misses.join(' | ')).toBeGreaterThanOrEqual(0.9);
  });

  it.each(languages)(
    'raises at most 2% false alarms on idioms, negations, quotes and near misses in %s',
    (language) => {
      const nearMisses = inLanguage(language).filter(
        (entry) => !entry.crisis && entry.category !== 'chat',
      );
      const alarms = flagged(nearMisses);
      expect(alarms.length / nearMisses.length, alarms.join(' | ')).toBeLessThanOrEqual(0.02);
    },
  );

  it('raises no alarm on ordinary supportive chat', () => {
    expect(flagged(crisisCorpus.filter((e) => !e.crisis && e.category === 'chat'))).toEqual([]);
  });
});

describe('detectCrisis', () => {
  it('says the kind, the language and whether it was direct, and nothing of the text', () => {
    expect(detectCrisis('I want to kill myself')).toEqual({
      isCrisis: true,
      kind: 'suicidal-intent',
      language: 'en',
      statement: 'direct',
    });
    expect(detectCrisis('todos estarian mejor sin mi')).toEqual({
      isCrisis: true,
      kind: 'suicidal-intent',
      language: 'es',
      statement: 'indirect',
    });
    expect(detectCrisis('how was your day?')).toEqual({ isCrisis: false });
  });

  it('does not treat a negated statement as a crisis', () => {
    expect(detectCrisis("I would never kill myself, I'm just tired").isCrisis).toBe(false);
    expect(detectCrisis('je vais pas me tuer hein').isCrisis).toBe(false);
    expect(detectCrisis('ich will mich nicht umbringen').isCrisis).toBe(false);
  });

  it('does not let a negation in one sentence cancel a crisis in the next', () => {
    expect(detectCrisis("I'm not ok. I want to die").isCrisis).toBe(true);
    expect(detectCrisis("j'en peux plus je veux mourir").isCrisis).toBe(true);
  });

  it('does not treat a figure of speech as a crisis', () => {
    for (const text of ['this exam is killing me', "I'd kill for a pizza", 'my phone died']) {
      expect(detectCrisis(text).isCrisis, text).toBe(false);
    }
  });

  it('does not treat a figure of speech as a crisis when the person laughs in another sentence', () => {
    expect(detectCrisis('mi jefe me va a matar. llegue tarde otra vez jaja').isCrisis).toBe(false);
  });

  it('counts a threat whose condition is leaving or telling as danger, not as a figure of speech', () => {
    expect(detectCrisis("he said he's going to kill me if i leave").kind).toBe('imminent-danger');
    expect(detectCrisis('my mom is going to kill me when she sees my grades').isCrisis).toBe(false);
  });

  it("counts a partner's conditional threat as danger", () => {
    const text = 'my husband is going to kill me if he finds out i told you';
    expect(detectCrisis(text).kind).toBe('imminent-danger');
  });

  it('treats a conditional said laughing as a figure of speech', () => {
    const text = 'if i have to sit through one more meeting ill kill myself lol';
    expect(detectCrisis(text).isCrisis).toBe(false);
  });

  it('does not treat a film or a song it quotes as a crisis', () => {
    expect(detectCrisis('the movie where he kills himself at the end').isCrisis).toBe(false);
    expect(detectCrisis('that song "i want to die" is stuck in my head').isCrisis).toBe(false);
  });

  it('treats a crisis said beside a song or a film as a crisis when nothing is quoted', () => {
    expect(detectCrisis('listening to sad songs and i want to die').isCrisis).toBe(true);
  });

  it("does not treat someone else's suicide long ago as the person's own crisis", () => {
    expect(detectCrisis('my uncle died by suicide years ago').isCrisis).toBe(false);
  });

  it('does not treat a milestone of recovery from self-harm as a crisis, unless it relapsed', () => {
    expect(detectCrisis('6 months clean from self harm today').isCrisis).toBe(false);
    expect(detectCrisis('ya llevo dos meses sin cortarme').isCrisis).toBe(false);
    expect(detectCrisis('relapsed after 2 years clean, cut myself last night').isCrisis).toBe(true);
  });

  it('does not treat dying in a video game as a crisis', () => {
    expect(detectCrisis('i keep killing myself in minecraft with tnt').isCrisis).toBe(false);
    expect(detectCrisis('i want to kill myself').isCrisis).toBe(true);
  });

  it('does not let a negation in a clause run on without a comma cancel the crisis before it', () => {
    expect(detectCrisis('ich will mich umbringen ich schaff das nicht mehr').isCrisis).toBe(true);
    expect(detectCrisis('ich ritze mich nicht mehr').isCrisis).toBe(false);
  });

  it('does not treat trauma by itself as a crisis', () => {
    const text = "I'm a veteran, my PTSD is bad this week and the nightmares are back";
    expect(detectCrisis(text).isCrisis).toBe(false);
  });

  it('detects a statement whether or not it is written with its accents', () => {
    for (const text of [
      'je vais mettre fin à mes jours',
      'je vais mettre fin a mes jours',
      'ich möchte tot sein',
      'ich mochte tot sein',
      'quiero hacerme daño',
      'quiero hacerme dano',
    ]) {
      expect(detectCrisis(text).isCrisis, text).toBe(true);
    }
  });

  it('reads leetspeak, slang and curly apostrophes as the words they stand for', () => {
    expect(detectCrisis('gonna k1ll mys3lf').isCrisis).toBe(true);
    expect(detectCrisis('i want to unalive myself').isCrisis).toBe(true);
    expect(detectCrisis('im going to kms tonight').isCrisis).toBe(true);
    expect(detectCrisis('I don’t want to live anymore').isCrisis).toBe(true);
    expect(detectCrisis('ran 5 kms today').isCrisis).toBe(false);
  });

  it('ranks imminent danger above suicidal intent in the same message', () => {
    const text = 'i want to die. i took a whole bottle of pills';
    expect(detectCrisis(text)).toMatchObject({ kind: 'imminent-danger', statement: 'direct' });
  });

  it('finds a crisis at the end of a 4,000-character message', () => {
    const text = `${'today was long and i am tired of work. '.repeat(110).slice(0, 3_970)} i want to die`;
    expect(text.length).toBeGreaterThanOrEqual(3_980);
    expect(detectCrisis(text).isCrisis).toBe(true);
  });

  it('takes time in proportion to the length of a message, with no catastrophic backtracking', () => {
    // Repeated phrase starts and negations are what would make a backtracking pattern blow up.
    const unit = 'i dont want to kill myself no me quiero ich mich nicht je me ';
    const short = unit.repeat(8).slice(0, 400);
    const long = unit.repeat(80).slice(0, 4_000);
    const ratio = medianMs(() => detectCrisis(long)) / medianMs(() => detectCrisis(short));
    // Linear is about 10; quadratic would be about 100.
    expect(ratio).toBeLessThan(30);
  });

  it('classifies a 4,000-character message within a generous multiple of normalising it', () => {
    const text = 'lol my week was a lot, exams and work and stuff. '.repeat(90).slice(0, 4_000);
    const baseline = medianMs(() => text.toLowerCase().normalize('NFKD').split(/\s+/));
    const detection = medianMs(() => detectCrisis(text));
    expect(detection / Math.max(baseline, 0.001)).toBeLessThan(200);
  });
});
