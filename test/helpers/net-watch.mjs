// A preload that records every attempt of this Node process to reach another machine: each
// socket connect and each DNS query whose host is not this machine (loopback addresses,
// `localhost` and unix sockets are), one JSON line per attempt appended to the file named by
// NET_WATCH_FILE, after one line per process saying it is watched. Nothing else changes: every
// call goes on to Node's own function, with the same arguments and result. Plain JavaScript, so
// that `node dist/src/main.js` (what `npm start` runs) can load it:
// NODE_OPTIONS="--import <file URL of this file>". Without NET_WATCH_FILE it does nothing.
// Read the file back with `createNetWatch` in net-watch.ts.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const file = process.env.NET_WATCH_FILE;

/** Whether `host` names this machine: loopback, `localhost`, or nothing (Node's default is localhost). */
function onThisMachine(host) {
  if (host === undefined || host === null || host === '') return true;
  const name = String(host)
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost') return true;
  if (net.isIPv4(name)) return name.startsWith('127.');
  if (net.isIPv6(name)) {
    if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped !== null && mapped[1].startsWith('127.');
  }
  return false;
}

function record(kind, host, port) {
  if (onThisMachine(host)) return;
  const attempt = { kind, host: String(host), pid: process.pid, script: process.argv[1] ?? null };
  if (port !== undefined && port !== null && port !== '') attempt.port = Number(port);
  // Synchronous, so that an attempt is on disk even if the process is killed right after it.
  appendFileSync(file, `${JSON.stringify(attempt)}\n`);
}

/** Replaces `owner[name]` by a function that records, then calls the original unchanged. */
function wrap(owner, name, onCall) {
  const original = owner[name];
  if (typeof original !== 'function') return;
  const wrapped = function (...args) {
    onCall.call(this, args);
    return new.target ? Reflect.construct(original, args, new.target) : original.apply(this, args);
  };
  // Keeps what Node hangs on its functions (dns.lookup's promisify hook, for one).
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype' || key === 'length' || key === 'name') continue;
    Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key));
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  owner[name] = wrapped;
}

/** Host and port of a `Socket#connect` call, in any of its forms; a unix socket has neither. */
function connectTarget(args) {
  // net.connect and tls.connect pass their arguments on already normalised, as an array.
  const [first, second] = Array.isArray(args[0]) ? args[0] : args;
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined && first.path !== null) return undefined;
    return { host: first.host ?? 'localhost', port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a unix socket path
  return { host: typeof second === 'string' ? second : 'localhost', port: first };
}

const dnsQueries = [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
  'reverse',
];

if (file !== undefined && file !== '') {
  // One line saying this process is watched, so that a test can tell a quiet process from one
  // that never loaded the watch.
  appendFileSync(
    file,
    `${JSON.stringify({ watching: true, pid: process.pid, script: process.argv[1] ?? null })}\n`,
  );
  // Every TCP and TLS connection goes through Socket#connect: net.connect, net.createConnection,
  // tls.connect (a TLSSocket is a Socket), http(s) agents, and so axios, ws and undici (fetch).
  wrap(net.Socket.prototype, 'connect', function (args) {
    const target = connectTarget(args);
    if (target !== undefined)
      record(this instanceof tls.TLSSocket ? 'tls' : 'tcp', target.host, target.port);
  });
  // Socket#connect looks names up through dns.lookup, so those show up twice, as a query and a connect.
  wrap(dns, 'lookup', ([hostname]) => record('dns.lookup', hostname));
  wrap(dns.promises, 'lookup', ([hostname]) => record('dns.promises.lookup', hostname));
  wrap(dns, 'lookupService', ([address, port]) => record('dns.lookupService', address, port));
  wrap(dns.promises, 'lookupService', ([address, port]) =>
    record('dns.promises.lookupService', address, port),
  );
  for (const query of dnsQueries) {
    // The module's functions are bound to a default resolver; both are wrapped, neither calls the other's wrapper.
    wrap(dns, query, ([hostname]) => record(`dns.${query}`, hostname));
    wrap(dns.promises, query, ([hostname]) => record(`dns.promises.${query}`, hostname));
    wrap(dns.Resolver.prototype, query, ([hostname]) => record(`dns.Resolver.${query}`, hostname));
    wrap(dns.promises.Resolver.prototype, query, ([hostname]) =>
      record(`dns.promises.Resolver.${query}`, hostname),
    );
  }
  // `import { lookup } from 'node:dns'` sees the wrappers too.
  syncBuiltinESMExports();
}
