// The Dockerfile, compose.yaml and .dockerignore, checked without a Docker engine: each file is
// parsed here, and the rules that matter for this bot (hadolint's among them) are asserted on it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configVariables, parseConfig } from '../../src/config.js';

const repo = join(import.meta.dirname, '..', '..');
const read = (file: string): string => readFileSync(join(repo, file), 'utf8');

/** One instruction of a Dockerfile: its keyword, its `--flag=value` options and what follows them. */
interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** The arguments after the flags, as written. */
  text: string;
  /** The arguments of the exec (JSON array) form; undefined for the shell form. */
  exec: string[] | undefined;
}

/** A build stage: its FROM and the instructions after it. */
interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions: comments dropped, continued lines joined. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    // Comment lines are dropped, also between the lines of one continued instruction.
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + trimmed);
    pending = '';
  }
  if (pending !== '') logical.push(pending.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = parseInstruction(keyword.toUpperCase(), rest);
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.text.split(/\s+/);
      stages.push({
        image,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`${instruction.keyword} before the first FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

function parseInstruction(keyword: string, rest: string): Instruction {
  const flags: Record<string, string> = {};
  let text = rest;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(text);
    if (flag === null) break;
    flags[flag[1] ?? ''] = flag[2] ?? '';
    text = text.slice(flag[0].length);
  }
  // HEALTHCHECK's options come before its own CMD.
  const command = keyword === 'HEALTHCHECK' ? text.replace(/^CMD\s+/, '') : text;
  let exec: string[] | undefined;
  if (command.startsWith('[')) {
    const parsed: unknown = JSON.parse(command);
    if (Array.isArray(parsed) && parsed.every((part) => typeof part === 'string')) exec = parsed;
  }
  return { keyword, flags, text, exec };
}

/** `ENV a=b c=d` (and the old `ENV a b`) as names and values. */
function variablesSetBy(instruction: Instruction): Record<string, string> {
  if (!instruction.text.includes('=')) {
    const [name = '', ...value] = instruction.text.split(/\s+/);
    return { [name]: value.join(' ') };
  }
  return Object.fromEntries(
    instruction.text.split(/\s+/).map((pair) => {
      const [name = '', ...value] = pair.split('=');
      return [name, value.join('=')];
    }),
  );
}

const stages = parseDockerfile(read('Dockerfile'));
const finalStage = stages.at(-1) as Stage;
const inStage = (stage: Stage, keyword: string) =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword);
const everyInstruction = stages.flatMap((stage) => stage.instructions);
/** The variables a stage's ENV instructions set. */
const environmentOf = (stage: Stage): Record<string, string> =>
  inStage(stage, 'ENV').reduce<Record<string, string>>(
    (all, instruction) => ({ ...all, ...variablesSetBy(instruction) }),
    {},
  );

/** The compose file as plain data; `<<` merges are resolved as compose resolves them. */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  profiles?: string[];
  container_name?: string;
  hostname?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  volumes?: string[];
  ports?: unknown[];
  deploy?: unknown;
}
const compose = parse(read('compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};
/** The services that run the bot's code, and the `purpose` src/config.ts reads their settings for. */
const botProcesses = { gateway: 'gateway', worker: 'worker', bot: 'discord-bot' } as const;
const botProcessNames = Object.keys(botProcesses) as Array<keyof typeof botProcesses>;
const environmentOfService = (name: string): Record<string, string> =>
  service(name).environment ?? {};
const bot = service('bot');
const botEnvironment = environmentOfService('bot');
const restProxy = service('rest-proxy');
const restProxyEnvironment = restProxy.environment ?? {};
const backingServices = ['redis', 'postgres', 'rest-proxy'];

/**
 * Compose's `${NAME}`, `${NAME:?message}` (required) and `${NAME:-default}` (the default when
 * NAME is unset or empty), with the values given.
 */
function interpolate(value: string, values: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::?([?-])([^}]*))?\}/g,
    (_, name: string, kind: string | undefined, fallback: string | undefined) => {
      const known = values[name];
      if (kind === '-') return known === undefined || known === '' ? (fallback ?? '') : known;
      if (known === undefined) throw new Error(`no value for ${name}`);
      return known;
    },
  );
}

/** Whether a variable's value is a secret by its name. */
const looksSecret = (name: string) => /TOKEN|SECRET|PASSWORD|API_KEY/.test(name);
/** A whole value taken from the environment at `docker compose up`, required. */
const requiredInterpolation = /^\$\{[A-Z0-9_]+:\?[^}]+\}$/;
/** A whole value taken from .env at `docker compose up`, empty when .env has none. */
const optionalInterpolation = (name: string) => `\${${name}:-}`;
/** The variables src/rest-proxy.ts reads (each through its `setting` helper). */
const restProxyVariables = [
  ...read('src/rest-proxy.ts').matchAll(/\bsetting\('([A-Z0-9_]+)'\)/g),
].map((match) => match[1]);

/** What the image can run: a file the build writes into dist/, or an npm script. */
function problemWithCommand(argv: readonly string[]): string | undefined {
  const [program, first, second] = argv;
  if (program === 'node' && first !== undefined) {
    const built = /^dist\/(src|commands)\/(.+)\.js$/.exec(first);
    if (built === null) return `${first} is not a file the build writes into dist/`;
    const source = `${built[1]}/${built[2]}.ts`;
    try {
      readFileSync(join(repo, source));
      return undefined;
    } catch {
      return `${first} would be built from ${source}, which does not exist`;
    }
  }
  if (program === 'npm' && first === 'run' && second !== undefined) {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    return Object.hasOwn(scripts, second) ? undefined : `npm script ${second} does not exist`;
  }
  return `${argv.join(' ')} runs neither node on a built file nor an npm script`;
}

/** Whether .dockerignore keeps `path` out of the build context (last matching line wins). */
function ignoredByDockerignore(path: string): boolean {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const parents = path.split('/').map((_, at, parts) => parts.slice(0, at + 1).join('/'));
  let ignored = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    // As Docker does: a pattern that matches a folder matches everything in it.
    if (parents.some((candidate) => globToRegExp(pattern).test(candidate))) ignored = !negated;
  }
  return ignored;
}

function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  const source = segments
    .map((segment, at) => {
      const last = at === segments.length - 1;
      // `**` stands for any number of folders, none too.
      if (segment === '**') return last ? '.*' : '(?:[^/]+/)*';
      const glob = segment
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]');
      return last ? glob : `${glob}/`;
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** Every file under a folder of the repo, as paths relative to the repo. */
function filesUnder(folder: string): string[] {
  return readdirSync(join(repo, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repo, join(entry.parentPath, entry.name)));
}

describe('Dockerfile', () => {
  it('builds in more than one stage', () => {
    expect(stages.length).toBeGreaterThan(1);
  });

  it('starts every stage from Node 22 on Debian bookworm slim or from an earlier stage', () => {
    const names = new Set<string>();
    for (const stage of stages) {
      if (!names.has(stage.image)) expect(stage.image).toBe('node:22-bookworm-slim');
      if (stage.name !== undefined) names.add(stage.name);
    }
  });

  it('pins every base image to a tag with a major version, never latest', () => {
    const stageNames = new Set(stages.map((stage) => stage.name));
    for (const { image } of stages.filter((stage) => !stageNames.has(stage.image))) {
      const tag = /^[^:@]+:([^@]+)/.exec(image)?.[1];
      expect(tag, image).toMatch(/^\d+/);
    }
  });

  it('leaves the compilers out of the final image: its stage starts from the base image', () => {
    expect(stages.map((stage) => stage.name)).not.toContain(finalStage.image);
    for (const run of inStage(finalStage, 'RUN')) expect(run.text).not.toMatch(/apt|g\+\+|make/);
  });

  it('installs dependencies with npm ci --omit=dev, from the lockfile, never npm install', () => {
    const runs = everyInstruction.filter((instruction) => instruction.keyword === 'RUN');
    expect(runs.some((run) => /\bnpm ci --omit=dev\b/.test(run.text))).toBe(true);
    for (const run of runs) expect(run.text).not.toMatch(/\bnpm (install|i)\b/);
  });

  it('copies node_modules into the final stage from the stage that ran npm ci --omit=dev', () => {
    const copy = inStage(finalStage, 'COPY').find((c) => c.text.endsWith('./node_modules'));
    const from = stages.find((stage) => stage.name === copy?.flags.from);
    expect(from?.instructions.some((i) => /npm ci --omit=dev/.test(i.text))).toBe(true);
  });

  it('builds dist/ with the build script of npm run build', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    const runs = everyInstruction.filter((instruction) => instruction.keyword === 'RUN');
    expect(runs.map((run) => run.text)).toContain(scripts.build);
  });

  it('copies into the final stage only package.json, the production node_modules and dist/', () => {
    const targets = inStage(finalStage, 'COPY').map((copy) => copy.text.split(/\s+/).at(-1));
    expect(targets.sort()).toEqual(['./', './dist', './node_modules']);
    const fromContext = inStage(finalStage, 'COPY').filter((copy) => copy.flags.from === undefined);
    expect(fromContext.map((copy) => copy.text)).toEqual(['package.json ./']);
  });

  it('never uses ADD, so nothing is fetched from a URL or unpacked unseen', () => {
    expect(everyInstruction.map((instruction) => instruction.keyword)).not.toContain('ADD');
  });

  it('copies the code into the final stage owned by root, so the bot cannot rewrite what it runs', () => {
    const copies = inStage(finalStage, 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.flags.chown, copy.text).toBe('root:root');
  });

  it('makes the data folder, and nothing else, the node user’s own, private to it', () => {
    const runs = inStage(finalStage, 'RUN').map((run) => run.text);
    expect(runs).toEqual(['install --directory --owner=node --group=node --mode=0700 /app/data']);
    const workdir = inStage(finalStage, 'WORKDIR').at(-1)?.text;
    // DATA_DIR's default, ./data, is this folder.
    expect(`${workdir}/data`).toBe('/app/data');
  });

  it('runs the final stage as the non-root node user', () => {
    const users = inStage(finalStage, 'USER');
    expect(users.at(-1)?.text).toBe('node');
    const userAt = finalStage.instructions.indexOf(users.at(-1) as Instruction);
    const cmdAt = finalStage.instructions.findIndex((i) => i.keyword === 'CMD');
    expect(userAt).toBeLessThan(cmdAt);
  });

  it('sets NODE_ENV=production in the final stage', () => {
    const variables = environmentOf(finalStage);
    expect(variables).toMatchObject({ NODE_ENV: 'production' });
  });

  it('puts no secret in ENV or ARG', () => {
    for (const instruction of everyInstruction) {
      if (instruction.keyword === 'ENV') {
        for (const name of Object.keys(variablesSetBy(instruction))) {
          expect(looksSecret(name) || /_URL$/.test(name), name).toBe(false);
        }
      }
      if (instruction.keyword === 'ARG') {
        const name = instruction.text.split('=')[0] ?? '';
        expect(looksSecret(name) || /_URL$/.test(name), name).toBe(false);
      }
    }
  });

  it('checks its health with GET /healthz on METRICS_PORT, with node since the image has no curl', () => {
    const [healthcheck, ...more] = inStage(finalStage, 'HEALTHCHECK');
    expect(more).toEqual([]);
    const [program, flag, script = ''] = healthcheck?.exec ?? [];
    expect([program, flag]).toEqual(['node', '-e']);
    expect(script).toContain('process.env.METRICS_PORT');
    expect(script).toContain('/healthz');
    const variables = environmentOf(finalStage);
    expect(variables).toMatchObject({ METRICS_PORT: botEnvironment.METRICS_PORT });
  });

  it('starts the bot with CMD in exec form, running a file the build writes', () => {
    const [cmd, ...more] = inStage(finalStage, 'CMD');
    expect(more).toEqual([]);
    expect(cmd?.exec).toEqual(['node', 'dist/src/main.js']);
    expect(problemWithCommand(cmd?.exec ?? [])).toBeUndefined();
  });
});

describe('compose.yaml', () => {
  it('runs the gateway, the workers, the REST proxy, Redis and PostgreSQL with pgvector', () => {
    expect(Object.keys(services).sort()).toEqual([
      'bot',
      'gateway',
      'postgres',
      'redis',
      'rest-proxy',
      'worker',
    ]);
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.postgres?.image).toBe('pgvector/pgvector:pg17');
  });

  it('keeps the single-process bot under the `single` profile, so that a plain `up` never starts it with the gateway', () => {
    expect(bot.profiles).toEqual(['single']);
    for (const [name, each] of Object.entries(services)) {
      if (name !== 'bot') expect(each.profiles, name).toBeUndefined();
    }
  });

  it('builds the gateway, the workers, the REST proxy and the bot from one image', () => {
    for (const name of [...botProcessNames, 'rest-proxy']) {
      expect(service(name).build, name).toBe('.');
      expect(service(name).image, name).toBe('wellness0:local');
    }
  });

  it('runs each process with the entry its npm script runs, without the build', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    const entries = {
      gateway: 'gateway',
      worker: 'worker',
      'rest-proxy': 'rest-proxy',
      bot: 'start',
    };
    for (const [name, script] of Object.entries(entries)) {
      const command = service(name).command as string[];
      expect(command.slice(0, 1), name).toEqual(['node']);
      expect(scripts[script], name).toBe(`npm run --silent build && ${command.join(' ')}`);
    }
  });

  it('pulls every image by a pinned tag, never latest', () => {
    for (const [name, each] of Object.entries(services)) {
      if (each.build !== undefined) continue;
      expect(each.image, name).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
    }
  });

  it('runs only commands that exist: a file the image builds or an npm script', () => {
    for (const [name, each] of Object.entries(services)) {
      if (each.build === undefined) continue;
      expect(Array.isArray(each.command), `${name}'s command in exec form`).toBe(true);
      expect(problemWithCommand(each.command as string[]), name).toBeUndefined();
    }
  });

  it('reads the settings of the gateway, the workers and the bot from .env', () => {
    for (const name of botProcessNames) expect(service(name).env_file, name).toBe('.env');
  });

  it('gives the REST proxy no .env, as it needs no secret', () => {
    expect(restProxy.env_file).toBeUndefined();
  });

  it.each(botProcessNames)('sets for %s only variables that src/config.ts reads', (name) => {
    for (const variable of Object.keys(environmentOfService(name)))
      expect(configVariables).toContain(variable);
  });

  it.each(botProcessNames)(
    'sets values for %s that src/config.ts accepts, whatever .env says for them',
    (name) => {
      const environment = Object.fromEntries(
        Object.entries(environmentOfService(name)).map(([variable, value]) => [
          variable,
          interpolate(value, { POSTGRES_PASSWORD: 'example' }),
        ]),
      );
      const parsed = parseConfig(
        { DISCORD_TOKEN: 'a.b.c', GEMINI_API_KEY: 'key', ...environment },
        { cwd: '/app', purpose: botProcesses[name] },
      );
      expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    },
  );

  it.each(botProcessNames)(
    'points %s at Redis and the REST proxy by their names on the compose network',
    (name) => {
      const environment = environmentOfService(name);
      expect(new URL(environment.REDIS_URL ?? '').host).toBe('redis:6379');
      // The proxy serves Discord's API under /api, on REST_PROXY_PORT.
      expect(environment.DISCORD_API_URL).toBe(
        `http://rest-proxy:${restProxyEnvironment.REST_PROXY_PORT}/api`,
      );
      expect(environment.METRICS_HOST).toBe('0.0.0.0');
    },
  );

  it('gives the workers and the bot the PostgreSQL memory store, and the gateway, which keeps no memory, none', () => {
    for (const name of ['worker', 'bot'])
      expect(environmentOfService(name).DATABASE_URL, name).toMatch(/@postgres:5432\//);
    // With MEM0_API_KEY in .env, a DATABASE_URL would stop the gateway too.
    expect(environmentOfService('gateway').DATABASE_URL).toBeUndefined();
  });

  it('lets the workers scale: no fixed name, host name or published port, no named volume', () => {
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.hostname).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    // A named volume would be one DATA_DIR, and one memory write queue, for every worker.
    expect(worker.volumes).toEqual([environmentOfService('worker').DATA_DIR]);
  });

  it('runs the REST proxy on every interface of its container, on a port of its own', () => {
    expect(restProxyEnvironment.REST_PROXY_HOST).toBe('0.0.0.0');
    expect(restProxyEnvironment.REST_PROXY_PORT).toMatch(/^\d+$/);
  });

  it('sets for the REST proxy only variables that src/rest-proxy.ts reads, empty when .env has none', () => {
    expect(restProxyVariables).toContain('REST_PROXY_UPSTREAM');
    for (const [variable, value] of Object.entries(restProxyEnvironment)) {
      expect(restProxyVariables).toContain(variable);
      if (!['REST_PROXY_HOST', 'REST_PROXY_PORT'].includes(variable))
        expect(value, variable).toBe(optionalInterpolation(variable));
    }
  });

  it('takes the PostgreSQL password from .env and commits no secret', () => {
    expect(services.postgres?.environment?.POSTGRES_PASSWORD).toMatch(requiredInterpolation);
    const password = /^postgresql:\/\/[^:]+:([^@]+)@/.exec(botEnvironment.DATABASE_URL ?? '')?.[1];
    expect(password).toMatch(requiredInterpolation);
    for (const [name, each] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(each.environment ?? {})) {
        if (looksSecret(variable))
          expect(value, `${name}: ${variable}`).toMatch(requiredInterpolation);
      }
    }
    // The bot's token and keys come from .env only.
    for (const name of botProcessNames) {
      for (const variable of Object.keys(environmentOfService(name)))
        expect(looksSecret(variable), `${name}: ${variable}`).toBe(false);
    }
  });

  it('checks the health of Redis, PostgreSQL and the REST proxy', () => {
    for (const name of backingServices) {
      const test = services[name]?.healthcheck?.test;
      expect(Array.isArray(test) && ['CMD', 'CMD-SHELL'].includes(test[0] ?? ''), name).toBe(true);
    }
  });

  it('keeps the image’s check (GET /healthz on METRICS_PORT) for the gateway, the workers and the bot', () => {
    expect(inStage(finalStage, 'HEALTHCHECK')).toHaveLength(1);
    for (const name of botProcessNames) {
      expect(service(name).healthcheck, name).toBeUndefined();
      expect(environmentOfService(name).METRICS_PORT, name).toBe(
        environmentOf(finalStage).METRICS_PORT,
      );
    }
  });

  it('checks the REST proxy on its own port, not the image’s /healthz, which it does not serve', () => {
    const test = restProxy.healthcheck?.test as string[];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain(`connect(${restProxyEnvironment.REST_PROXY_PORT}, '127.0.0.1')`);
  });

  it('starts each process only once what it uses reports healthy', () => {
    const healthy = (names: string[]) =>
      Object.fromEntries(names.map((name) => [name, { condition: 'service_healthy' }]));
    expect(service('gateway').depends_on).toEqual(healthy(['redis', 'rest-proxy']));
    expect(service('worker').depends_on).toEqual(healthy(['redis', 'postgres', 'rest-proxy']));
    expect(bot.depends_on).toEqual(healthy(['redis', 'postgres', 'rest-proxy']));
    expect(restProxy.depends_on).toBeUndefined();
  });

  it('keeps Redis’s data with append-only persistence', () => {
    expect(services.redis?.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(services.redis?.volumes).toEqual(['redis-data:/data']);
  });

  it('keeps the data of the bot, Redis and PostgreSQL in named volumes', () => {
    const mounts = ['bot', 'redis', 'postgres'].flatMap((name) => services[name]?.volumes ?? []);
    const named = mounts.map((mount) => mount.split(':')[0] ?? '');
    expect(named.sort()).toEqual(Object.keys(compose.volumes ?? {}).sort());
    expect(services.postgres?.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(service('gateway').volumes).toBeUndefined();
    expect(restProxy.volumes).toBeUndefined();
  });

  it('mounts the volumes of the bot and the workers at the DATA_DIR they set, the folder the image gives the node user', () => {
    expect(bot.volumes).toEqual([`bot-data:${botEnvironment.DATA_DIR}`]);
    expect(service('worker').volumes).toEqual([botEnvironment.DATA_DIR]);
    const runs = inStage(finalStage, 'RUN').map((run) => run.text);
    expect(
      runs.some(
        (run) => run.includes('--owner=node') && run.endsWith(` ${botEnvironment.DATA_DIR}`),
      ),
    ).toBe(true);
  });

  it('publishes no port, since /metrics, the REST proxy, Redis and PostgreSQL have no authentication of their own', () => {
    for (const [name, each] of Object.entries(services)) expect(each.ports, name).toBeUndefined();
  });
});

describe('.dockerignore', () => {
  it.each([
    '.env',
    '.env.local',
    'data/wellness0.db',
    'node_modules/discord.js/package.json',
    'dist/src/main.js',
    '.git/HEAD',
    'coverage/index.html',
    'bench/results/latest.json',
    'test/unit/config.test.ts',
    'src/.env',
  ])('keeps %s out of the build context', (path) => {
    expect(ignoredByDockerignore(path)).toBe(true);
  });

  it('sends every file that the Dockerfile copies from the build context', () => {
    const sources = everyInstruction
      .filter(
        (instruction) => instruction.keyword === 'COPY' && instruction.flags.from === undefined,
      )
      .flatMap((copy) => copy.text.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const files = statSync(join(repo, source)).isDirectory() ? filesUnder(source) : [source];
      expect(files.length, source).toBeGreaterThan(0);
      for (const file of files) expect(ignoredByDockerignore(file), file).toBe(false);
    }
  });
});
