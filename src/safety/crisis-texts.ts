import type { CrisisKind, CrisisLanguage } from './crisis-detection.js';
import type { CrisisLine, CrisisLinesChoice } from './crisis-resources.js';

/** The words of the safety texts in one language. */
interface SafetyWords {
  /** The language's name in English, for the model's instructions. */
  englishName: string;
  /** What stands between a name and what follows it: French puts a space before a colon. */
  colon: string;
  opening: string;
  /** Emergency sentence for one region; `number` is the region's emergency number(s). */
  emergencyCall: (number: string) => string;
  /** Emergency sentence for several regions or none; `numbers` is "Country: number, …" or empty. */
  emergencyLocal: (numbers: string) => string;
  /** Label of the fallback lines when regions are listed above them. */
  elsewhere: string;
  stillListening: string;
  blockedLead: string;
  fallback: string;
  disclosure: string;
  breakReminder: string;
}

// French typography puts a (non-breaking) space before ":", so lines break where a French
// reader expects.
const nbsp = '\u00a0';

const words: Readonly<Record<CrisisLanguage, SafetyWords>> = {
  en: {
    englishName: 'English',
    colon: ': ',
    opening:
      "I'm really glad you told me. You deserve support from a person right now, and these lines are there for you:",
    emergencyCall: (number) => `If you're in danger right now, call ${number}.`,
    emergencyLocal: (numbers) =>
      `If you're in danger right now, call your local emergency number${numbers === '' ? '' : ` (${numbers})`}.`,
    elsewhere: 'Elsewhere',
    stillListening: "I'm an AI, not a person or a therapist, but I'm here and I'll keep listening.",
    blockedLead: "If you're going through something hard, you don't have to face it alone:",
    fallback:
      "I'm still here with you. I couldn't find my words just now, but the lines above are there for you right now. If you can, reach out to one of them or to someone you trust.",
    disclosure: "I'm an AI, not a person and not a therapist.",
    breakReminder:
      "A gentle reminder: this could be a good moment to take a break. I'm an AI, not a person.",
  },
  es: {
    englishName: 'Spanish',
    colon: ': ',
    opening:
      'Me alegra mucho que me lo hayas contado. Mereces el apoyo de una persona ahora mismo, y estas líneas están ahí para ti:',
    emergencyCall: (number) => `Si estás en peligro ahora mismo, llama al ${number}.`,
    emergencyLocal: (numbers) =>
      `Si estás en peligro ahora mismo, llama al número de emergencias de tu país${numbers === '' ? '' : ` (${numbers})`}.`,
    elsewhere: 'En otro país',
    stillListening:
      'Soy una IA, no una persona ni un terapeuta, pero estoy aquí y te sigo escuchando.',
    blockedLead: 'Si estás pasando por algo difícil, no tienes que afrontarlo sin ayuda:',
    fallback:
      'Sigo aquí contigo. Ahora mismo no me salen las palabras, pero las líneas de arriba están ahí para ti en este momento. Si puedes, habla con una de ellas o con alguien de confianza.',
    disclosure: 'Soy una IA, no una persona ni un terapeuta.',
    breakReminder:
      'Un recordatorio amable: quizá sea buen momento para tomarte un descanso. Soy una IA, no una persona.',
  },
  fr: {
    englishName: 'French',
    colon: `${nbsp}: `,
    opening: `Merci de m'en avoir parlé, ça compte. Tu mérites le soutien d'une vraie personne en ce moment, et ces lignes sont là pour toi${nbsp}:`,
    emergencyCall: (number) => `Si tu es en danger maintenant, appelle le ${number}.`,
    emergencyLocal: (numbers) =>
      `Si tu es en danger maintenant, appelle le numéro d'urgence de ton pays${numbers === '' ? '' : ` (${numbers})`}.`,
    elsewhere: 'Ailleurs',
    stillListening:
      'Je suis une IA, pas une personne ni un thérapeute, mais je suis là et je reste à ton écoute.',
    blockedLead: `Si tu traverses quelque chose de difficile, tu n'as pas à le vivre sans soutien${nbsp}:`,
    fallback:
      "Je suis toujours là avec toi. Je n'ai pas trouvé mes mots à l'instant, mais les lignes ci-dessus sont là pour toi, dès maintenant. Si tu peux, contacte l'une d'elles ou une personne de confiance.",
    disclosure: 'Je suis une IA, pas une personne ni un thérapeute.',
    breakReminder: `Petit rappel${nbsp}: c'est peut-être le moment de faire une pause. Je suis une IA, pas une personne.`,
  },
  de: {
    englishName: 'German',
    colon: ': ',
    opening:
      'Ich bin wirklich froh, dass du es mir erzählt hast. Du verdienst gerade jetzt Unterstützung von einem Menschen, und diese Angebote sind für dich da:',
    emergencyCall: (number) => `Wenn du gerade in Gefahr bist, ruf den Notruf an: ${number}.`,
    emergencyLocal: (numbers) =>
      `Wenn du gerade in Gefahr bist, ruf den Notruf deines Landes an${numbers === '' ? '' : ` (${numbers})`}.`,
    elsewhere: 'Anderswo',
    stillListening:
      'Ich bin eine KI, kein Mensch und kein Therapeut, aber ich bin da und höre dir weiter zu.',
    blockedLead: 'Wenn du gerade etwas Schweres durchmachst, musst du da nicht allein durch:',
    fallback:
      'Ich bin noch da. Mir haben gerade die Worte gefehlt, aber die Angebote oben sind jetzt für dich da. Wenn du kannst, melde dich bei einem davon oder bei jemandem, dem du vertraust.',
    disclosure: 'Ich bin eine KI, kein Mensch und kein Therapeut.',
    breakReminder:
      'Kleine Erinnerung: Vielleicht ist jetzt ein guter Moment für eine Pause. Ich bin eine KI, kein Mensch.',
  },
  pt: {
    englishName: 'Portuguese',
    colon: ': ',
    opening:
      'Que bom que você me contou. Você merece o apoio de uma pessoa agora, e estas linhas estão aí para você:',
    emergencyCall: (number) => `Se você estiver em perigo agora, ligue ${number}.`,
    emergencyLocal: (numbers) =>
      `Se você estiver em perigo agora, ligue para o número de emergência do seu país${numbers === '' ? '' : ` (${numbers})`}.`,
    elsewhere: 'Em outro país',
    stillListening:
      'Sou uma IA, não uma pessoa nem um terapeuta, mas estou aqui e vou continuar ouvindo você.',
    blockedLead: 'Se você está passando por algo difícil, não precisa enfrentar isso sem apoio:',
    fallback:
      'Continuo aqui com você. Não encontrei as palavras agora, mas as linhas acima estão aí para você neste momento. Se puder, fale com uma delas ou com alguém de confiança.',
    disclosure: 'Sou uma IA, não uma pessoa nem um terapeuta.',
    breakReminder: 'Um lembrete carinhoso: que tal fazer uma pausa? Sou uma IA, não uma pessoa.',
  },
};

/** The languages every safety text is written in. */
export const crisisTextLanguages = Object.keys(words) as readonly CrisisLanguage[];

const kindSet: Readonly<Record<CrisisKind, true>> = {
  'suicidal-intent': true,
  'self-harm': true,
  'imminent-danger': true,
};

/** Every kind of crisis a message can be about. */
export const crisisKinds = Object.keys(kindSet) as readonly CrisisKind[];

/** The safety texts' language for a language code or locale ('pt-BR' → pt); English otherwise. */
export function safetyTextLanguage(locale: string | undefined): CrisisLanguage {
  const language = locale?.trim().toLowerCase().split(/[-_]/)[0];
  return crisisTextLanguages.find((known) => known === language) ?? 'en';
}

/**
 * The message sent as soon as a crisis is detected: a warm sentence, the lines as a list, the
 * emergency number (first, in bold, for imminent danger) and that the bot is an AI.
 */
export function crisisMessage(input: {
  language: CrisisLanguage;
  kind: CrisisKind;
  lines: CrisisLinesChoice;
}): string {
  const say = words[input.language];
  const emergency = emergencySentence(say, input.language, input.lines);
  const imminent = input.kind === 'imminent-danger';
  return [
    ...(imminent ? [`**${emergency}**`] : []),
    say.opening,
    ...lineList(input.language, input.lines),
    ...(imminent ? [] : [emergency]),
    `*${say.stillListening}*`,
  ].join('\n');
}

/** Added after a reply the model withheld for safety: a short lead and the lines. */
export function safetyBlockNote(input: {
  language: CrisisLanguage;
  lines: CrisisLinesChoice;
}): string {
  return [words[input.language].blockedLead, ...lineList(input.language, input.lines)].join('\n');
}

/**
 * Added to the system prompt for the answer that follows the crisis lines: how to answer
 * someone who may be in crisis, in their language.
 */
export function crisisModePersona(language: CrisisLanguage): string {
  return [
    'Safety mode. The person may be in crisis right now. A message with crisis lines for their region was just sent to them, right above your answer.',
    `For this answer, write in ${words[language].englishName}, in a few short, warm, plain sentences:`,
    '- Acknowledge what they feel, without judging, arguing or minimising it.',
    '- Say that the lines were just shared above, and gently encourage them to contact one of them, or someone they trust.',
    '- Ask whether they are safe right now.',
    '- Stay present: say you are here and will keep listening.',
    '- Never describe or discuss methods, means, amounts or places, even if asked.',
    '- Never promise confidentiality or to keep a secret, and never say or imply that you are a therapist or a person.',
    '- Do not repeat the phone numbers at length: they are above.',
  ].join('\n');
}

/** Added to the system prompt when the person is under 18. */
export const minorPersona = [
  'The person you are talking with is under 18.',
  '- Keep every answer suitable for their age: no romantic or sexual talk or role-play, no alcohol, drugs, gambling or dieting advice.',
  '- Gently encourage them to talk to a trusted adult (a parent, teacher or school counsellor) about anything that worries them.',
  '- Do not encourage long sessions: if they have been talking for a long time, suggest a break.',
  '- Never ask for personal details such as their address, school or photos.',
].join('\n');

/** Shown when the answer after the crisis lines fails, is withheld or times out. */
export function crisisFallback(language: CrisisLanguage): string {
  return words[language].fallback;
}

/** The italic line at the start of each session: the bot is an AI, not a person or a therapist. */
export function aiDisclosure(language?: string): string {
  return `*${words[safetyTextLanguage(language)].disclosure}*`;
}

/** The italic reminder for people under 18, every three hours: take a break; this is an AI. */
export function minorBreakReminder(language?: string): string {
  return `*${words[safetyTextLanguage(language)].breakReminder}*`;
}

function emergencySentence(
  say: SafetyWords,
  language: CrisisLanguage,
  lines: CrisisLinesChoice,
): string {
  const [only, ...others] = lines.regions;
  if (only !== undefined && others.length === 0) return say.emergencyCall(only.region.emergency);
  const numbers = lines.regions
    .map(
      ({ code, region }) =>
        `${countryName(code, region.name, language)}${say.colon}${region.emergency}`,
    )
    .join(', ');
  return say.emergencyLocal(numbers);
}

/** The lines as a Markdown list, each after its country's name, then the fallback lines. */
function lineList(language: CrisisLanguage, lines: CrisisLinesChoice): string[] {
  const say = words[language];
  const listed = lines.regions.flatMap(({ code, region }) => {
    const country = countryName(code, region.name, language);
    return region.lines.map((line) => `- **${country}** — ${describeLine(line, say.colon)}`);
  });
  const label = lines.regions.length > 0 ? `**${say.elsewhere}** — ` : '';
  return [...listed, ...lines.fallback.map((line) => `- ${label}${describeLine(line, say.colon)}`)];
}

/** "Samaritans: call 116 123 (<https://…>)"; the <> keep Discord from previewing the link. */
function describeLine(line: CrisisLine, colon: string): string {
  const separator = /[?!:.]$/.test(line.name) ? ' ' : colon;
  const link = line.url === undefined ? '' : ` (<${line.url}>)`;
  return `${line.name}${separator}${line.contact}${link}`;
}

const displayNames = new Map<CrisisLanguage, Intl.DisplayNames | undefined>();

/** The country's name in the message's language ('DE' → "Alemania"), else the file's name. */
function countryName(code: string, fallbackName: string, language: CrisisLanguage): string {
  if (!displayNames.has(language)) {
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    } catch {
      // A Node built without ICU data has no region names.
      names = undefined;
    }
    displayNames.set(language, names);
  }
  try {
    return displayNames.get(language)?.of(code) ?? fallbackName;
  } catch {
    // An operator's code that is not a valid region subtag.
    return fallbackName;
  }
}
