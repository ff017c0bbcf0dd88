// PostgreSQL with pgvector for the tests of the shared memory store: PGlite (Postgres compiled to
// WebAssembly, in this process) with its `vector` extension, served over the real wire protocol
// by pglite-socket on a free loopback port, so that `pg` and mem0's pgvector provider run
// unchanged. (Debian has no pgvector package.) In PGlite 0.5 the extension is its own package,
// @electric-sql/pglite-pgvector (pgvector 0.8), not one of `@electric-sql/pglite/contrib/*`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from './free-port.js';

/** A running PGlite behind a socket. */
export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** The database itself, for queries that need no socket. */
  db: PGlite;
  /**
   * Closes every client connection, as a database restart or a network cut would, and listens
   * again on the same port with the same data.
   */
  dropConnections(): Promise<void>;
  /** Closes every connection, stops the server and removes its folder (if any). */
  stop(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Keep the database in a temporary folder instead of in RAM. */
  onDisk?: boolean;
}

/**
 * Starts PGlite with pgvector behind `PGLiteSocketServer` on 127.0.0.1 and a free port.
 *
 * The server takes one connection unless told otherwise (`maxConnections` defaults to 1; a
 * second client is refused with "Too many connections"), while mem0's provider opens one
 * `pg.Client` per store, two per bot, and the store one more while it prepares the tables: so it
 * is raised here (a `pg.Pool` of several connections works too). Every connection shares PGlite's one session: queries
 * run one at a time, a transaction holds the others back until it ends, and session state
 * (`SET`, session advisory locks, startup `options`, which PGlite ignores) is common to all.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const dir = options.onDisk ? mkdtempSync(join(tmpdir(), 'wellness0-pglite-')) : undefined;
  const db = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), extensions: { vector } });
  const listen = async (port: number) => {
    const socketServer = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port,
      maxConnections: 64,
    });
    await socketServer.start();
    return socketServer;
  };
  let server: PGLiteSocketServer;
  try {
    server = await listen(0);
  } catch (error) {
    await db.close();
    throw error;
  }
  // getServerConn() reports the port the OS picked for port 0.
  const port = Number(server.getServerConn().split(':').pop());
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    db,
    async dropConnections() {
      await server.stop();
      server = await listen(port);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PGlite with pgvector served by pglite-socket's own `pglite-server`, in a child process. */
export interface PostgresProcess {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the server process (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/**
 * Starts PGlite with pgvector in a process of its own (pglite-socket's `pglite-server` script,
 * in RAM), for the benchmark: there, as with a real PostgreSQL, the database's work does not run
 * on the event loop of the process being measured. Resolves once it listens.
 */
export async function startPostgresProcess(): Promise<PostgresProcess> {
  const port = await freePort();
  const require = createRequire(import.meta.url);
  // The package exports only its entry (dist/index.*); the script sits beside it.
  const script = join(dirname(require.resolve('@electric-sql/pglite-socket')), 'scripts/server.js');
  const child = spawn(
    process.execPath,
    [
      script,
      '--db=memory://',
      `--port=${port}`,
      '--host=127.0.0.1',
      '--extensions=@electric-sql/pglite-pgvector:vector',
      '--max-connections=64',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('pglite-server did not start')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pglite-server exited with code ${code}`));
    });
    // Read to the end: it logs each connection, and a full pipe would stall it.
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('PGLiteSocketServer listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
