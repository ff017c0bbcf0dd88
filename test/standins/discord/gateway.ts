/** The gateway half of the stand-in: HELLO, IDENTIFY/READY, heartbeats, RESUME and dispatches. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { Intent, privilegedIntentBits } from './payloads.js';

/** What the gateway needs from the rest of the stand-in. */
export interface GatewayOptions {
  token: string;
  botUserId: string;
  heartbeatIntervalMs: number;
  privilegedIntents: number;
  identifies: Array<{ token: string; intents: number }>;
  violations: string[];
  resumeUrl(): string;
  readyPayload(sessionId: string): Record<string, unknown>;
  guildCreatePayloads(): Array<Record<string, unknown>>;
  guildMembers(guildId: string): Array<Record<string, unknown>>;
}

interface GatewayPayload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  buffer: GatewayPayload[];
  socket: WebSocket | undefined;
}

interface Connection {
  socket: WebSocket;
  session: Session | undefined;
}

// Enough to replay everything a test dispatches while a client reconnects.
const replayBufferSize = 1000;

/** Serves `/gateway` and `/gateway-resume` WebSocket upgrades and keeps one session per IDENTIFY. */
export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private dropAcks = false;

  constructor(private readonly options: GatewayOptions) {}

  /** Takes over an HTTP upgrade request; other paths are refused and recorded as violations. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway-resume') {
      this.options.violations.push(`gateway: WebSocket upgrade on unknown path ${url.pathname}`);
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  /** Dispatches an event to every live session, shaped by that session's intents. */
  dispatch(t: string, d: unknown): void {
    for (const session of this.sessions.values()) {
      const shaped = shapeForIntents(session.intents, this.options.botUserId, t, d);
      if (shaped !== undefined) this.sendDispatch(session, t, shaped);
    }
  }

  /** Sends op 7 RECONNECT to every connected session. */
  reconnect(): void {
    for (const session of this.sessions.values()) {
      if (session.socket) send(session.socket, { op: 7, d: null, s: null, t: null });
    }
  }

  /** Sends op 9 INVALID_SESSION; a non-resumable session is forgotten. */
  invalidSession(resumable: boolean): void {
    for (const session of [...this.sessions.values()]) {
      if (session.socket) send(session.socket, { op: 9, d: resumable, s: null, t: null });
      if (!resumable) this.sessions.delete(session.id);
    }
  }

  /** Stops or resumes answering heartbeats. */
  setDropHeartbeatAcks(drop: boolean): void {
    this.dropAcks = drop;
  }

  /** Number of sessions that are identified and attached to an open socket. */
  connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN)
      .length;
  }

  /** Terminates every socket. */
  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.sessions.clear();
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const connection: Connection = { socket: ws, session: undefined };
    ws.on('error', () => {});
    ws.on('close', (code) => {
      const session = connection.session;
      if (session?.socket !== ws) return;
      session.socket = undefined;
      // A client that closes with 1000/1001 ends its session; any other code keeps it resumable.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    });
    if (url.searchParams.get('v') !== '10') {
      this.refuse(ws, 4012, `gateway: connected with v=${url.searchParams.get('v')}; expected 10`);
      return;
    }
    const encoding = url.searchParams.get('encoding') ?? 'json';
    if (encoding !== 'json' || url.searchParams.has('compress')) {
      this.refuse(
        ws,
        4002,
        `gateway: ${url.search} asks for encoding/compression FakeDiscord lacks`,
      );
      return;
    }
    ws.on('message', (data) => this.onMessage(connection, data));
    send(ws, {
      op: 10,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ['fake-discord'] },
      s: null,
      t: null,
    });
  }

  private refuse(ws: WebSocket, code: number, violation: string): void {
    this.options.violations.push(violation);
    ws.close(code, violation.slice(0, 120));
  }

  private onMessage(connection: Connection, data: RawData): void {
    const { socket } = connection;
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(rawDataText(data)) as { op?: unknown; d?: unknown };
    } catch {
      this.refuse(socket, 4002, 'gateway: received a payload that is not JSON');
      return;
    }
    switch (payload.op) {
      case 1:
        if (!this.dropAcks) send(socket, { op: 11, d: null, s: null, t: null });
        return;
      case 2:
        this.identify(connection, payload.d as Record<string, unknown> | undefined);
        return;
      case 6:
        this.resume(connection, payload.d as Record<string, unknown> | undefined);
        return;
      case 3:
      case 4:
        if (!connection.session)
          this.refuse(socket, 4003, `gateway: op ${payload.op} before IDENTIFY`);
        return;
      case 8:
        this.requestGuildMembers(connection, payload.d as Record<string, unknown> | undefined);
        return;
      default:
        this.refuse(socket, 4001, `gateway: unknown opcode ${String(payload.op)}`);
    }
  }

  private identify(connection: Connection, d: Record<string, unknown> | undefined): void {
    const { socket } = connection;
    if (connection.session) {
      this.refuse(socket, 4005, 'gateway: IDENTIFY sent twice on one connection');
      return;
    }
    const token = typeof d?.token === 'string' ? d.token : '';
    const intents = typeof d?.intents === 'number' ? d.intents : Number.NaN;
    this.options.identifies.push({ token, intents });
    if (token !== this.options.token) {
      // Discord's answer to a bad token; not a spec violation of the bot.
      socket.close(4004, 'Authentication failed.');
      return;
    }
    if (!Number.isInteger(intents) || intents < 0 || intents >= 2 ** 26) {
      this.refuse(socket, 4013, `gateway: invalid intents ${String(d?.intents)}`);
      return;
    }
    const disallowed = intents & privilegedIntentBits & ~this.options.privilegedIntents;
    if (disallowed !== 0) {
      this.refuse(
        socket,
        4014,
        `gateway: privileged intents ${disallowed} are not enabled for the app`,
      );
      return;
    }
    const shard = d?.shard;
    if (shard !== undefined && (!Array.isArray(shard) || shard[0] !== 0 || shard[1] !== 1)) {
      this.refuse(socket, 4010, `gateway: invalid shard ${JSON.stringify(shard)}; shards is 1`);
      return;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      intents,
      seq: 0,
      buffer: [],
      socket,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.sendDispatch(session, 'READY', this.options.readyPayload(session.id));
    if (intents & Intent.Guilds) {
      for (const guild of this.options.guildCreatePayloads()) {
        this.sendDispatch(session, 'GUILD_CREATE', guild);
      }
    }
  }

  private resume(connection: Connection, d: Record<string, unknown> | undefined): void {
    const { socket } = connection;
    if (d?.token !== this.options.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session) {
      send(socket, { op: 9, d: false, s: null, t: null });
      return;
    }
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    if (seq > session.seq) {
      this.refuse(
        socket,
        4007,
        `gateway: RESUME with seq ${seq} beyond the last sent ${session.seq}`,
      );
      return;
    }
    const previous = session.socket;
    if (previous && previous !== socket) {
      session.socket = undefined;
      previous.terminate();
    }
    session.socket = socket;
    connection.session = session;
    for (const payload of session.buffer) {
      if (payload.s !== null && payload.s > seq) send(socket, payload);
    }
    this.sendDispatch(session, 'RESUMED', { _trace: ['fake-discord'] });
  }

  private requestGuildMembers(
    connection: Connection,
    d: Record<string, unknown> | undefined,
  ): void {
    const session = connection.session;
    if (!session) {
      this.refuse(connection.socket, 4003, 'gateway: op 8 before IDENTIFY');
      return;
    }
    const guildIds = Array.isArray(d?.guild_id) ? d.guild_id : [d?.guild_id];
    for (const guildId of guildIds) {
      if (typeof guildId !== 'string') continue;
      this.sendDispatch(session, 'GUILD_MEMBERS_CHUNK', {
        guild_id: guildId,
        members: this.options.guildMembers(guildId),
        chunk_index: 0,
        chunk_count: 1,
        not_found: [],
        ...(d?.nonce !== undefined ? { nonce: d.nonce } : {}),
      });
    }
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const payload: GatewayPayload = { op: 0, t, s: session.seq, d };
    session.buffer.push(payload);
    if (session.buffer.length > replayBufferSize) session.buffer.shift();
    if (session.socket) send(session.socket, payload);
  }
}

function send(socket: WebSocket, payload: GatewayPayload): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
}

/**
 * Applies Discord's intent rules to one event for one session: the event is dropped when the
 * session lacks the intent, and guild message content is emptied without MessageContent unless
 * the bot wrote, was mentioned in, or was replied to by the message.
 * https://discord.com/developers/docs/events/gateway#message-content-intent
 */
export function shapeForIntents(
  intents: number,
  botUserId: string,
  t: string,
  d: unknown,
): unknown {
  const data = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
  const inGuild = typeof data.guild_id === 'string';
  const has = (bit: number) => (intents & bit) !== 0;
  switch (t) {
    case 'MESSAGE_CREATE':
    case 'MESSAGE_UPDATE':
    case 'MESSAGE_DELETE':
    case 'MESSAGE_DELETE_BULK':
      if (!has(inGuild ? Intent.GuildMessages : Intent.DirectMessages)) return undefined;
      if (
        (t === 'MESSAGE_CREATE' || t === 'MESSAGE_UPDATE') &&
        inGuild &&
        !has(Intent.MessageContent) &&
        !contentVisibleToBot(data, botUserId)
      ) {
        const { poll: _poll, ...rest } = data;
        return { ...rest, content: '', embeds: [], attachments: [], components: [] };
      }
      return d;
    case 'TYPING_START':
      return has(inGuild ? Intent.GuildMessageTyping : Intent.DirectMessageTyping) ? d : undefined;
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
    case 'MESSAGE_REACTION_REMOVE_ALL':
    case 'MESSAGE_REACTION_REMOVE_EMOJI':
      return has(inGuild ? Intent.GuildMessageReactions : Intent.DirectMessageReactions)
        ? d
        : undefined;
    case 'GUILD_CREATE':
    case 'GUILD_UPDATE':
    case 'GUILD_DELETE':
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE':
    case 'GUILD_ROLE_DELETE':
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
    case 'CHANNEL_DELETE':
    case 'THREAD_CREATE':
    case 'THREAD_UPDATE':
    case 'THREAD_DELETE':
      return has(Intent.Guilds) ? d : undefined;
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE':
    case 'GUILD_MEMBER_REMOVE':
      return has(Intent.GuildMembers) ? d : undefined;
    case 'PRESENCE_UPDATE':
      return has(Intent.GuildPresences) ? d : undefined;
    default:
      return d;
  }
}

function contentVisibleToBot(data: Record<string, unknown>, botUserId: string): boolean {
  const author = data.author as { id?: unknown } | undefined;
  if (author?.id === botUserId) return true;
  const mentions = Array.isArray(data.mentions) ? (data.mentions as Array<{ id?: unknown }>) : [];
  if (mentions.some((user) => user.id === botUserId)) return true;
  const referenced = data.referenced_message as { author?: { id?: unknown } } | null | undefined;
  return referenced?.author?.id === botUserId;
}

/** The text of a WebSocket message, whichever of `ws`'s binary shapes it arrives in. */
export function rawDataText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
