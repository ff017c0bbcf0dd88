import type { ReplyOffer, ReplyTarget } from '../conversation/reply-target.js';

/** Where the terminal chat writes: standard output, or any stream in a test. */
export interface TextOutput {
  write(text: string): unknown;
}

/**
 * The terminal as the replies of one chat share it: it knows whether the cursor is at the start
 * of a line and whose text ends that line, so that a reply printed while another one streams (the
 * crisis lines of a message read meanwhile) starts on a line of its own.
 */
export interface TerminalScreen {
  /** Dim status lines and show a typing mark; only for a terminal, so piped output stays plain. */
  readonly decorate: boolean;
  /** Writes `text` for `writer` (a reply; none for the chat's own lines), first removing any typing mark. */
  write(text: string, writer?: object): void;
  /** Ends the current line unless the cursor is at the start of one. */
  endLine(writer?: object): void;
  /** Whether the text on the current line, or just before the cursor, is `writer`'s. */
  continues(writer: object): boolean;
  /** Shows a typing mark for `writer` if the cursor is at the start of a line; returns what removes it. */
  showTyping(writer: object): () => void;
  /** Notes that the cursor moved to a new line without this screen (the person's typing, echoed by readline). */
  movedToLineStart(): void;
}

/** Options for `createTerminalScreen`. */
export interface TerminalScreenOptions {
  output: TextOutput;
  /** Dim status lines and show a typing mark; only for a terminal, so piped output stays plain. */
  decorate: boolean;
}

/** Options for `createTerminalReply`. */
export interface TerminalReplyOptions {
  /** The chat's screen, shared with its other replies. */
  screen: TerminalScreen;
  /** Told of each offer printed with an answer, so that the chat can take up the command it names. */
  onOffer?: (offer: ReplyOffer) => void;
}

const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
const eraseLine = '\r\x1b[2K';

/** A status line, dimmed on a terminal: `(recalled 2 memories)`. */
export function statusLine(text: string, decorate: boolean): string {
  return `${decorate ? dim(text) : text}\n`;
}

/** The screen of one chat, on `output`. */
export function createTerminalScreen(options: TerminalScreenOptions): TerminalScreen {
  const { output, decorate } = options;
  let atLineStart = true;
  // Whose text the cursor follows; undefined for the chat's own lines and for the person's typing.
  let lastWriter: object | undefined;
  let typingBy: object | undefined;

  function write(text: string, writer?: object): void {
    if (text === '') return;
    if (typingBy !== undefined) {
      output.write(eraseLine);
      typingBy = undefined;
    }
    output.write(text);
    atLineStart = text.endsWith('\n');
    lastWriter = writer;
  }

  return {
    decorate,
    write,
    endLine(writer) {
      if (!atLineStart) write('\n', writer);
    },
    continues: (writer) => lastWriter === writer,
    showTyping(writer) {
      if (!decorate || !atLineStart || typingBy !== undefined) return () => {};
      output.write(dim('…'));
      typingBy = writer;
      return () => {
        if (typingBy !== writer) return;
        output.write(eraseLine);
        typingBy = undefined;
      };
    },
    movedToLineStart() {
      atLineStart = true;
      lastWriter = undefined;
      // The typing mark, if any, is on the line above now, where erasing cannot reach it.
      typingBy = undefined;
    },
  };
}

/**
 * One answer printed as it streams: each update prints only what is new, so the text grows in
 * place, and the final text is printed whole on a fresh line when it does not continue the partial.
 * When something else was printed since its last text (another reply's crisis lines), the answer
 * starts again whole on a fresh line, so that no part of it is left in pieces around the other.
 */
export function createTerminalReply(options: TerminalReplyOptions): ReplyTarget {
  const { screen } = options;
  const self = {};
  let printed = '';

  const write = (text: string) => screen.write(text, self);
  const endLine = () => screen.endLine(self);
  /** Forgets the partial text when the cursor no longer follows it. */
  function resumeAfterOthers(): void {
    if (printed !== '' && !screen.continues(self)) {
      endLine();
      printed = '';
    }
  }

  return {
    startTyping: () => screen.showTyping(self),
    async notice(text) {
      endLine();
      write(statusLine(text, screen.decorate));
      printed = '';
    },
    update(textSoFar) {
      resumeAfterOthers();
      if (!textSoFar.startsWith(printed)) return;
      write(textSoFar.slice(printed.length));
      printed = textSoFar;
    },
    async complete(text, offers = []) {
      resumeAfterOthers();
      if (printed !== '' && text.startsWith(printed)) {
        write(text.slice(printed.length));
      } else {
        endLine();
        write(text);
      }
      printed = text;
      endLine();
      for (const offer of offers) {
        write(statusLine(terminalOffer(offer), screen.decorate));
        options.onOffer?.(offer);
      }
    },
    async sendNow(text) {
      endLine();
      write(`${text}\n`);
      printed = '';
    },
  };
}

/** How the terminal chat offers what a Discord reply offers as a button: a command to type. */
function terminalOffer(offer: ReplyOffer): string {
  switch (offer.kind) {
    case 'remember-crisis':
      return "(I haven't kept this in my long-term memory. Type /remember if you'd like me to remember that you're going through this.)";
    case 'under-18':
      return '(If you are under 18, type /under-18 so I can take extra care.)';
  }
}

/** What the terminal chat says when the person types one of the commands it offers. */
export const terminalCommandReplies = {
  remembered:
    "(Thank you for trusting me with this. I'll remember that you're going through it, so I can support you better.)",
  nothingToRemember: "(There's nothing waiting for me to remember right now.)",
  under18:
    "(Thank you for telling me. I'll keep our conversations suitable for your age, and remind you to take a break every 3 hours we talk.)",
  notSaved: "(I couldn't save that just now. Please try again in a moment.)",
} as const;
