import type { Turn, TurnSafety } from '../conversation/conversation.js';
import type { ReplyTarget } from '../conversation/reply-target.js';
import type { Logger } from '../logger.js';
import { detectCrisis } from './crisis-detection.js';
import { type CrisisResources, linesFor, regionFor } from './crisis-resources.js';
import { crisisMessage, crisisTextLanguages, safetyTextLanguage } from './crisis-texts.js';
import type { ReferralCounts } from './referral-counts.js';
import type { PersonSafety, SafetySettings } from './safety-settings.js';

/** Collaborators of the crisis screen. */
export interface CrisisFirstOptions {
  resources: CrisisResources;
  settings: SafetySettings;
  referrals: Pick<ReferralCounts, 'count'>;
  /** The region for people whom nothing else places (CRISIS_DEFAULT_REGION). */
  defaultRegion: string | undefined;
  logger: Logger;
}

/** Screens every message as it arrives, before any queue, limit, memory or model. */
export interface CrisisFirst {
  /**
   * Classifies the turn's text and, for a crisis, posts the crisis lines to `target` at once
   * (not awaited here); returns what the rest of the turn needs to know.
   */
  screen(turn: Turn, target: ReplyTarget): TurnSafety;
}

const nobody: PersonSafety = { region: undefined, locale: undefined, minor: false };

/**
 * The region whose crisis lines a person gets: their own choice, else their Discord client's
 * locale, else the server's, else the operator's default.
 */
export function personRegion(input: {
  person: PersonSafety;
  serverLocale: string | undefined;
  resources: CrisisResources;
  defaultRegion: string | undefined;
}): string | undefined {
  const { person, serverLocale } = input;
  return (
    regionFor(
      {
        ...(person.region === undefined ? {} : { setting: person.region }),
        ...(person.locale === undefined ? {} : { personLocale: person.locale }),
        ...(serverLocale === undefined ? {} : { serverLocale }),
      },
      input.resources,
    ) ?? input.defaultRegion
  );
}

/** Builds the crisis screen: pure detection, then the lines, sent outside everything else. */
export function createCrisisFirst(options: CrisisFirstOptions): CrisisFirst {
  const { resources, logger } = options;
  // The first calls compile the detector's patterns and look up the texts' country names (tens
  // of milliseconds): done now, so that the first person in crisis does not wait for them.
  detectCrisis('warming up');
  for (const language of crisisTextLanguages) {
    const lines = linesFor({ region: undefined, language }, resources);
    crisisMessage({ language, kind: 'imminent-danger', lines });
  }
  return {
    screen(turn, target) {
      const crisis = detectCrisis(turn.text);
      let person = nobody;
      try {
        person = options.settings.get(turn.userId);
      } catch (error) {
        // Without the settings file the lines are still sent, for the region Discord suggests.
        logger.error({ err: error }, 'safety settings could not be read');
      }
      const server = turn.server;
      // A server's region places those who chose none themselves (over their client's language).
      const placed =
        person.region === undefined && server?.crisisRegion !== undefined
          ? { ...person, region: server.crisisRegion }
          : person;
      const region = personRegion({
        person: placed,
        serverLocale: turn.serverLocale,
        resources,
        defaultRegion: options.defaultRegion,
      });
      const safety: TurnSafety = {
        crisis,
        minor: person.minor || server?.minorsSpace === true,
        region,
        language: safetyTextLanguage(person.locale ?? turn.serverLocale),
      };
      if (!crisis.isCrisis) return safety;
      const found = linesFor({ region, language: crisis.language }, resources);
      // The server's own lines first among those for everyone.
      const lines =
        server === undefined || server.crisisLines.length === 0
          ? found
          : { ...found, fallback: [...server.crisisLines, ...found.fallback] };
      const text = crisisMessage({ language: crisis.language, kind: crisis.kind, lines });
      const started = performance.now();
      const delivered = (async () => {
        try {
          await target.sendNow(text);
        } catch (error) {
          logger.error({ err: error }, 'crisis lines could not be posted; they go with the answer');
          // Shown at once as the answer's status, which the answer (opening with them) replaces.
          await target.notice(text).catch(() => {});
          return false;
        }
        // At debug only: even without ids, an info line at the moment of a person's message
        // could be matched with it by its time.
        logger.debug(
          { deliveredInMs: Math.round(performance.now() - started) },
          'crisis lines sent',
        );
        try {
          options.referrals.count(lines.region, 'detected');
        } catch (error) {
          logger.error({ err: error }, 'referral could not be counted');
        }
        return true;
      })();
      return { ...safety, crisisLines: { text, region: lines.region, delivered } };
    },
  };
}
