import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createNetWatch, type NetWatch } from '../helpers/net-watch.js';

const run = promisify(execFile);
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

// Addresses of TEST-NET-1 (RFC 5737) and names under .invalid (RFC 6761): nothing answers them, and
// the script exits as soon as every call has been made.
const script = `
import dns, { lookup } from 'node:dns';
import dnsPromises from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';

const listen = (server, ...at) => new Promise((resolve) => server.listen(...at, () => resolve(server)));
const read = (socket) => new Promise((resolve, reject) => {
  let text = '';
  socket.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
});
const tcp = await listen(net.createServer((s) => s.end('tcp')), 0, '127.0.0.1');
const unixPath = join(process.argv[2], 'unix.sock');
const unix = await listen(net.createServer((s) => s.end('unix')), unixPath);
const web = await listen(http.createServer((_, res) => res.end('web')), 0, '127.0.0.1');
const port = tcp.address().port;

// On this machine: not recorded, and working as without the watch.
const local = [
  await read(net.connect(port, '127.0.0.1')),
  await read(net.connect({ port, host: 'localhost' })),
  await read(net.createConnection(unixPath)),
  await (await fetch('http://127.0.0.1:' + web.address().port + '/')).text(),
  await (await fetch('http://localhost:' + web.address().port + '/')).text(),
  (await promisify(dns.lookup)('localhost')).family > 0,
];

// Elsewhere: recorded.
const quiet = (socket) => socket.on('error', () => {});
quiet(net.connect(9, '192.0.2.1')).destroy();
quiet(tls.connect({ host: '192.0.2.2', port: 443 })).destroy();
const fetched = fetch('http://192.0.2.3:8080/', { signal: AbortSignal.timeout(300) }).catch(() => {});
quiet(http.get('http://192.0.2.4:9/', { timeout: 300 })).on('timeout', function () { this.destroy(); });
lookup('a.example.invalid', () => {});
dnsPromises.lookup('b.example.invalid').catch(() => {});
dns.resolve4('c.example.invalid', () => {});
dns.promises.resolveTxt('d.example.invalid').catch(() => {});
new dns.Resolver().resolve6('e.example.invalid', () => {});
await fetched;
await new Promise((r) => setTimeout(r, 100));
console.log(JSON.stringify(local));
process.exit(0);
`;

async function runWatched(): Promise<{ watch: NetWatch; stdout: string; scriptPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'wellness0-net-watch-test-'));
  const watch = createNetWatch();
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => watch.remove(),
  );
  const scriptPath = join(dir, 'attempts.mjs');
  writeFileSync(scriptPath, script);
  const { stdout } = await run(process.execPath, [scriptPath, dir], {
    env: { PATH: process.env.PATH, ...watch.env },
    timeout: 20_000,
  });
  return { watch, stdout, scriptPath };
}

describe('the network watch preload', () => {
  it('records every connect and DNS query to another machine, and nothing on this one', async () => {
    const { watch, scriptPath } = await runWatched();
    const seen = watch.attempts().map(({ kind, host, port }) => ({ kind, host, port }));
    expect(seen).toEqual(
      expect.arrayContaining([
        { kind: 'tcp', host: '192.0.2.1', port: 9 },
        { kind: 'tls', host: '192.0.2.2', port: 443 },
        { kind: 'tcp', host: '192.0.2.3', port: 8080 },
        { kind: 'tcp', host: '192.0.2.4', port: 9 },
        { kind: 'dns.lookup', host: 'a.example.invalid', port: undefined },
        { kind: 'dns.promises.lookup', host: 'b.example.invalid', port: undefined },
        { kind: 'dns.resolve4', host: 'c.example.invalid', port: undefined },
        { kind: 'dns.promises.resolveTxt', host: 'd.example.invalid', port: undefined },
        { kind: 'dns.Resolver.resolve6', host: 'e.example.invalid', port: undefined },
      ]),
    );
    expect(seen).toHaveLength(9);
    expect(new Set(watch.attempts().map((a) => a.script))).toEqual(new Set([scriptPath]));
    expect(watch.watchedScripts()).toEqual([scriptPath]);
  });

  it('leaves connections on this machine working as before', async () => {
    const { stdout } = await runWatched();
    expect(JSON.parse(stdout)).toEqual(['tcp', 'tcp', 'unix', 'web', 'web', true]);
  });
});
