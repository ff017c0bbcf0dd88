// What a server's admins choose for the bot in their server (/settings), pure: the settings, their
// defaults and bounds, each change and how it is described in the audit log. Nothing here holds or
// describes what a member said or what the bot remembers of anyone.

/** Where in a server the bot talks. */
export type ChannelMode = 'everywhere' | 'only' | 'except';

/** A server's own crisis line, added to the lines its members get. */
export interface ServerCrisisLine {
  name: string;
  contact: string;
}

/** One server's settings. */
export interface ServerSettings {
  /** Everywhere, only in `channelIds`, or everywhere except them. */
  channelMode: ChannelMode;
  /** The channels `channelMode` names (a thread follows its parent channel). */
  channelIds: string[];
  /** Added to the persona in this server; it never replaces the safety rules. */
  personaAddition: string | undefined;
  /** Off: nothing said here is remembered or recalled. */
  memory: 'on' | 'off';
  /** The region whose crisis lines members get here when they chose none themselves. */
  crisisRegion: string | undefined;
  /** Extra lines (a community's own helpline), listed with the crisis lines here. */
  crisisLines: ServerCrisisLine[];
  /** Everyone here is treated as a minor by the safety rules. */
  minorsSpace: boolean;
  /** At most this many answers a day (UTC) in this server; undefined: no limit. */
  dailyAnswers: number | undefined;
}

/** A server that changed nothing. */
export const defaultServerSettings: ServerSettings = Object.freeze({
  channelMode: 'everywhere',
  channelIds: [],
  personaAddition: undefined,
  memory: 'on',
  crisisRegion: undefined,
  crisisLines: [],
  minorsSpace: false,
  dailyAnswers: undefined,
});

/** Bounds of what admins may set. */
export const serverSettingsLimits = {
  maxChannels: 50,
  maxPersonaChars: 500,
  maxCrisisLines: 5,
  maxLineNameChars: 100,
  maxLineContactChars: 200,
  maxDailyAnswers: 100_000,
} as const;

/** One change an admin makes. */
export type ServerSettingsChange =
  | { kind: 'channel-mode'; mode: ChannelMode }
  | { kind: 'channel'; channelId: string; listed: boolean }
  | { kind: 'persona'; text: string | undefined }
  | { kind: 'memory'; memory: 'on' | 'off' }
  | { kind: 'crisis-region'; region: string | undefined }
  | { kind: 'crisis-line'; line: ServerCrisisLine }
  | { kind: 'crisis-lines-cleared' }
  | { kind: 'minors-space'; on: boolean }
  | { kind: 'daily-answers'; answers: number | undefined };

/** A change that was made: who, when, and what (described without any member content). */
export interface ServerSettingsAudit {
  at: number;
  /** The Discord user id of the admin. */
  by: string;
  what: string;
}

/** The settings after `change`, or why it cannot be made (a plain sentence for the admin). */
export function applyChange(
  settings: ServerSettings,
  change: ServerSettingsChange,
): { settings: ServerSettings } | { refused: string } {
  const limits = serverSettingsLimits;
  switch (change.kind) {
    case 'channel-mode':
      return { settings: { ...settings, channelMode: change.mode } };
    case 'channel': {
      const without = settings.channelIds.filter((id) => id !== change.channelId);
      if (!change.listed) return { settings: { ...settings, channelIds: without } };
      if (without.length >= limits.maxChannels) {
        return { refused: `At most ${limits.maxChannels} channels can be listed.` };
      }
      return { settings: { ...settings, channelIds: [...without, change.channelId] } };
    }
    case 'persona': {
      const text = change.text?.trim();
      if (text !== undefined && text.length > limits.maxPersonaChars) {
        return {
          refused: `The persona addition can be at most ${limits.maxPersonaChars} characters (this one has ${text.length}).`,
        };
      }
      return { settings: { ...settings, personaAddition: text === '' ? undefined : text } };
    }
    case 'memory':
      return { settings: { ...settings, memory: change.memory } };
    case 'crisis-region':
      return { settings: { ...settings, crisisRegion: change.region } };
    case 'crisis-line': {
      const name = change.line.name.trim();
      const contact = change.line.contact.trim();
      if (name === '' || contact === '') return { refused: 'A line needs a name and a contact.' };
      if (name.length > limits.maxLineNameChars || contact.length > limits.maxLineContactChars) {
        return {
          refused: `A line's name can be at most ${limits.maxLineNameChars} characters and its contact ${limits.maxLineContactChars}.`,
        };
      }
      if (settings.crisisLines.length >= limits.maxCrisisLines) {
        return { refused: `At most ${limits.maxCrisisLines} lines can be added.` };
      }
      return {
        settings: { ...settings, crisisLines: [...settings.crisisLines, { name, contact }] },
      };
    }
    case 'crisis-lines-cleared':
      return { settings: { ...settings, crisisLines: [] } };
    case 'minors-space':
      return { settings: { ...settings, minorsSpace: change.on } };
    case 'daily-answers': {
      const answers = change.answers;
      if (
        answers !== undefined &&
        (!Number.isInteger(answers) || answers < 1 || answers > limits.maxDailyAnswers)
      ) {
        return {
          refused: `The daily budget is a whole number of answers from 1 to ${limits.maxDailyAnswers}.`,
        };
      }
      return { settings: { ...settings, dailyAnswers: answers } };
    }
  }
}

/** How the audit log names a change: settings only, never a member's words. */
export function describeChange(change: ServerSettingsChange): string {
  switch (change.kind) {
    case 'channel-mode':
      return `channels: ${change.mode}`;
    case 'channel':
      return `channel <#${change.channelId}> ${change.listed ? 'listed' : 'unlisted'}`;
    case 'persona':
      return change.text === undefined || change.text.trim() === ''
        ? 'persona addition removed'
        : `persona addition set (${change.text.trim().length} characters)`;
    case 'memory':
      return `memory ${change.memory}`;
    case 'crisis-region':
      return `crisis region ${change.region ?? 'removed'}`;
    case 'crisis-line':
      return `crisis line added: ${change.line.name.trim()}`;
    case 'crisis-lines-cleared':
      return 'crisis lines removed';
    case 'minors-space':
      return `minors' space ${change.on ? 'on' : 'off'}`;
    case 'daily-answers':
      return `daily budget ${change.answers === undefined ? 'removed' : `${change.answers} answers`}`;
  }
}

/** Whether the bot may talk in a channel (a thread: its parent's id) under these settings. */
export function talksIn(settings: ServerSettings, channelId: string): boolean {
  if (settings.channelMode === 'everywhere') return true;
  const listed = settings.channelIds.includes(channelId);
  return settings.channelMode === 'only' ? listed : !listed;
}

/** The UTC day of `at` (`2026-12-03`), the daily budget's period, and when it ends. */
export function budgetDay(at: number): { day: string; resetsAt: number } {
  const day = new Date(at).toISOString().slice(0, 10);
  const resetsAt = Date.parse(`${day}T00:00:00.000Z`) + 24 * 3_600_000;
  return { day, resetsAt };
}

/** Settings read back from storage: whatever is missing or malformed is the default. */
export function settingsFrom(value: unknown): ServerSettings {
  if (typeof value !== 'object' || value === null) return { ...defaultServerSettings };
  const v = value as Partial<Record<keyof ServerSettings, unknown>>;
  const modes: readonly ChannelMode[] = ['everywhere', 'only', 'except'];
  const text = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  return {
    channelMode: modes.includes(v.channelMode as ChannelMode)
      ? (v.channelMode as ChannelMode)
      : 'everywhere',
    channelIds: Array.isArray(v.channelIds)
      ? v.channelIds.filter((id): id is string => typeof id === 'string')
      : [],
    personaAddition: text(v.personaAddition),
    memory: v.memory === 'off' ? 'off' : 'on',
    crisisRegion: text(v.crisisRegion),
    crisisLines: Array.isArray(v.crisisLines)
      ? v.crisisLines.filter(
          (line): line is ServerCrisisLine =>
            typeof line === 'object' &&
            line !== null &&
            typeof (line as ServerCrisisLine).name === 'string' &&
            typeof (line as ServerCrisisLine).contact === 'string',
        )
      : [],
    minorsSpace: v.minorsSpace === true,
    dailyAnswers:
      typeof v.dailyAnswers === 'number' && Number.isInteger(v.dailyAnswers) && v.dailyAnswers > 0
        ? v.dailyAnswers
        : undefined,
  };
}
