import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, secretScrubber } from '../../src/logger.js';

const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GAbCdE.abcdefghijklmnopqrstuvwxyz012345';
const apiKey = 'AIzaSyD-example-gemini-key-123456';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('logging', () => {
  it('never writes a token or API key, wherever it appears in a log line', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', secrets: [token, apiKey], destination });
    logger.info({ url: `https://example.test/?key=${apiKey}` }, `login with ${token}`);
    logger.error({ err: new Error(`request failed: Authorization: Bot ${token}`) }, 'failed');
    logger.warn({ headers: { authorization: `Bot ${token}` }, apiKey }, 'headers');
    const all = lines.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(apiKey);
    expect(all.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('scrubs a secret also in its JSON-escaped form', () => {
    const scrub = secretScrubber(['se"cret-value-1234']);
    expect(scrub(JSON.stringify({ v: 'se"cret-value-1234' }))).toBe('{"v":"[redacted]"}');
  });
});
