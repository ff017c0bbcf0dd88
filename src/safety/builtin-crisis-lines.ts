import type { CrisisResources } from './crisis-resources.js';

/**
 * The built-in crisis lines. Only numbers checked against the services' own sites: a wrong number
 * in a crisis does harm, so a country missing here is better than a country with a guess.
 */
export const defaultCrisisResources: CrisisResources = {
  regions: {
    US: {
      name: 'United States',
      emergency: '911',
      lines: [
        {
          name: '988 Suicide & Crisis Lifeline',
          contact: 'call or text 988',
          url: 'https://988lifeline.org',
        },
      ],
    },
    CA: {
      name: 'Canada',
      emergency: '911',
      lines: [
        {
          name: '9-8-8 Suicide Crisis Helpline',
          contact: 'call or text 988 / appelle ou texte le 988',
        },
      ],
    },
    GB: {
      name: 'United Kingdom',
      emergency: '999',
      lines: [
        { name: 'Samaritans', contact: 'call 116 123', url: 'https://www.samaritans.org' },
        { name: 'Shout', contact: 'text SHOUT to 85258' },
      ],
    },
    IE: {
      name: 'Ireland',
      emergency: '112 / 999',
      lines: [
        { name: 'Samaritans', contact: 'call 116 123' },
        { name: 'Text About It', contact: 'text HELLO to 50808' },
      ],
    },
    AU: {
      name: 'Australia',
      emergency: '000',
      lines: [{ name: 'Lifeline', contact: 'call 13 11 14', url: 'https://www.lifeline.org.au' }],
    },
    NZ: {
      name: 'New Zealand',
      emergency: '111',
      lines: [{ name: 'Need to talk?', contact: 'call or text 1737' }],
    },
    IN: {
      name: 'India',
      emergency: '112',
      lines: [{ name: 'Tele-MANAS', contact: 'call 14416' }],
    },
    ES: {
      name: 'España',
      emergency: '112',
      lines: [{ name: 'Línea 024', contact: 'llama al 024' }],
    },
    MX: {
      name: 'México',
      emergency: '911',
      lines: [{ name: 'Línea de la Vida', contact: 'llama al 800 911 2000' }],
    },
    FR: {
      name: 'France',
      emergency: '112 / 15',
      lines: [
        {
          name: 'Numéro national de prévention du suicide',
          contact: 'appelle le 3114',
          url: 'https://3114.fr',
        },
      ],
    },
    BE: {
      name: 'Belgique / België',
      emergency: '112',
      lines: [
        { name: 'Centre de Prévention du Suicide', contact: 'appelle le 0800 32 123' },
        { name: 'Zelfmoordlijn', contact: 'bel 1813' },
      ],
    },
    CH: {
      name: 'Schweiz / Suisse',
      emergency: '144 / 112',
      lines: [{ name: 'Die Dargebotene Hand / La Main Tendue', contact: '143' }],
    },
    DE: {
      name: 'Deutschland',
      emergency: '112',
      lines: [
        {
          name: 'TelefonSeelsorge',
          contact: '0800 111 0 111 oder 0800 111 0 222',
          url: 'https://www.telefonseelsorge.de',
        },
      ],
    },
    AT: {
      name: 'Österreich',
      emergency: '112 / 144',
      lines: [{ name: 'TelefonSeelsorge', contact: '142' }],
    },
    PT: {
      name: 'Portugal',
      emergency: '112',
      lines: [
        { name: 'SNS 24', contact: 'ligue 808 24 24 24' },
        { name: 'SOS Voz Amiga', contact: 'ligue 213 544 545' },
      ],
    },
    BR: {
      name: 'Brasil',
      emergency: '192 / 190',
      lines: [{ name: 'CVV', contact: 'ligue 188', url: 'https://cvv.org.br' }],
    },
  },
  languages: {
    en: ['US', 'GB', 'CA', 'IE', 'AU'],
    es: ['ES', 'MX'],
    fr: ['FR', 'BE', 'CH', 'CA'],
    de: ['DE', 'AT', 'CH'],
    pt: ['BR', 'PT'],
  },
  fallback: {
    lines: [
      {
        name: 'Find A Helpline',
        contact: 'free, confidential lines in many countries',
        url: 'https://findahelpline.com',
      },
    ],
  },
};
