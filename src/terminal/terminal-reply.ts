import type { ReplyOffer, ReplyTarget } from '../conversation/reply-target.js';

/** Where the terminal chat writes: standard output, or any stream in a test. */
export interface TextOutput {
  write(text: string): unknown;
}

/** Options for `createTerminalReply`. */
export interface TerminalReplyOptions {
  output: TextOutput;
  /** Dim status lines and show a typing mark; only for a terminal, so piped output stays plain. */
  decorate: boolean;
  /** Told of each offer printed with an answer, so that the chat can take up the command it names. */
  onOffer?: (offer: ReplyOffer) => void;
}

const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
const eraseLine = '\r\x1b[2K';

/** A status line, dimmed on a terminal: `(recalled 2 memories)`. */
export function statusLine(text: string, decorate: boolean): string {
  return `${decorate ? dim(text) : text}\n`;
}

/**
 * One answer printed as it streams: each update prints only what is new, so the text grows in
 * place, and the final text is printed whole on a fresh line when it does not continue the partial.
 */
export function createTerminalReply(options: TerminalReplyOptions): ReplyTarget {
  const { output, decorate } = options;
  let printed = '';
  let atLineStart = true;
  let typingShown = false;

  function write(text: string): void {
    if (text === '') return;
    if (typingShown) {
      output.write(eraseLine);
      typingShown = false;
    }
    output.write(text);
    atLineStart = text.endsWith('\n');
  }

  function endLine(): void {
    if (!atLineStart) write('\n');
  }

  return {
    startTyping() {
      if (!decorate || !atLineStart) return () => {};
      output.write(dim('…'));
      typingShown = true;
      return () => {
        if (!typingShown) return;
        output.write(eraseLine);
        typingShown = false;
      };
    },
    async notice(text) {
      endLine();
      write(statusLine(text, decorate));
      printed = '';
    },
    update(textSoFar) {
      if (!textSoFar.startsWith(printed)) return;
      write(textSoFar.slice(printed.length));
      printed = textSoFar;
    },
    async complete(text, offers = []) {
      if (printed !== '' && text.startsWith(printed)) {
        write(text.slice(printed.length));
      } else {
        endLine();
        write(text);
      }
      printed = text;
      endLine();
      for (const offer of offers) {
        write(statusLine(terminalOffer(offer), decorate));
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
export function terminalOffer(offer: ReplyOffer): string {
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
