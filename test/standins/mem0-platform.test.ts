import {
  AuthenticationError,
  MemoryClient,
  MemoryNotFoundError,
  NetworkError,
  ValidationError,
} from 'mem0ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeMem0, type FakeMem0Options, specErrors, startFakeMem0 } from './mem0-platform.js';

const apiKey = 'test-mem0-key';
let fake: FakeMem0 | undefined;

async function start(
  options: FakeMem0Options = {},
): Promise<{ fake: FakeMem0; client: MemoryClient }> {
  fake = await startFakeMem0(options);
  return { fake, client: new MemoryClient({ apiKey, host: fake.baseUrl }) };
}

async function rawPost(f: FakeMem0, path: string, body: unknown): Promise<Response> {
  return fetch(`${f.baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Token ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function rawGet(f: FakeMem0, path: string): Promise<Response> {
  return fetch(`${f.baseUrl}${path}`, { headers: { Authorization: `Token ${apiKey}` } });
}

/** The JSON of a response, typed loosely enough to read a few known fields. */
async function json<T = Record<string, unknown>>(
  response: Promise<Response> | Response,
): Promise<T> {
  return (await (await response).json()) as T;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  vi.restoreAllMocks();
});

describe('the mem0 Platform stand-in', () => {
  it('is pinged by MemoryClient as soon as the client is constructed', async () => {
    const { fake } = await start();
    const ping = await fake.waitFor(() => fake.requests.find((r) => r.path === '/v1/ping/'));
    expect(ping.status).toBe(200);
    expect(ping.headers.authorization).toBe(`Token ${apiKey}`);
    const body = await json(rawGet(fake, '/v1/ping/'));
    expect({
      status: body.status,
      org_id: typeof body.org_id,
      project_id: typeof body.project_id,
    }).toEqual({ status: 'ok', org_id: 'string', project_id: 'string' });
  });

  it('answers add with PENDING and makes the memory searchable only after the processing delay', async () => {
    // Long enough that the early search lands inside it on a busy machine too (300 ms did not, once).
    const { fake, client } = await start({ processingDelayMs: 1_500 });
    const addedAt = Date.now();
    const added = (await client.add(
      [
        { role: 'user', content: 'I adopted a cat named Miso' },
        { role: 'assistant', content: 'Miso is a lovely name for a cat!' },
      ],
      { userId: 'discord:1', agentId: 'wellness0', metadata: { origin: 'dm' } },
    )) as unknown as { eventId: string; status: string };
    expect(added.status).toBe('PENDING');

    const early = await client.search('cat Miso', { filters: { user_id: 'discord:1' } });
    expect(early.results).toEqual([]);
    const pending = await json(rawGet(fake, `/v1/event/${added.eventId}/`));
    expect(pending.status).toBe('PENDING');
    expect(fake.memories('discord:1')).toHaveLength(1);

    // Polled as a client would: the event reports the processing done once the delay is over.
    let done = pending;
    for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
      done = await json(rawGet(fake, `/v1/event/${added.eventId}/`));
      if (done.status !== 'PENDING') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(Date.now() - addedAt).toBeGreaterThanOrEqual(1_500);
    const later = await client.search('cat Miso', { filters: { user_id: 'discord:1' } });
    expect(later.results.map((m) => m.memory)).toEqual(['I adopted a cat named Miso']);
    expect(later.results[0]).toMatchObject({
      userId: 'discord:1',
      agentId: null,
      metadata: { origin: 'dm' },
    });
    expect(later.results[0]?.score).toBeGreaterThan(0.5);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      event_type: 'ADD',
      results: [{ event: 'ADD' }],
    });
    expect(fake.violations).toEqual([]);
  });

  it('attributes inferred memories to the user only, so an AND with agent_id finds nothing', async () => {
    const { fake, client } = await start({ processingDelayMs: 0 });
    await client.add([{ role: 'user', content: 'I love pizza' }], { userId: 'u1', agentId: 'bot' });
    await client.add([{ role: 'user', content: 'I love pizza' }], { userId: 'u1' });
    expect(fake.memories('u1')).toHaveLength(1);
    const both = await client.search('pizza', {
      filters: { AND: [{ user_id: 'u1' }, { agent_id: 'bot' }] },
    });
    expect(both.results).toEqual([]);
    const user = await client.search('pizza', { filters: { user_id: 'u1' } });
    expect(user.results).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it('keeps search within the user named in filters even when another user has similar memories', async () => {
    const { fake, client } = await start();
    fake.seed({ userId: 'alice', text: 'Alice feels anxious before exams' });
    fake.seed({ userId: 'bob', text: 'Bob feels anxious before exams' });
    fake.seed({ userId: 'alice', text: 'Alice plays the violin' });
    const { results } = await client.search('anxious about exams', {
      filters: { user_id: 'alice' },
      topK: 5,
    });
    expect(results.map((m) => m.memory)).toEqual(['Alice feels anxious before exams']);
    expect(results.every((m) => m.userId === 'alice')).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('refuses search and getAll whose filters name no entity id, and records the violation', async () => {
    const { fake, client } = await start();
    fake.seed({ userId: 'alice', text: 'secret' });
    await expect(
      client.search('secret', { filters: { metadata: { a: 1 } } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getAll({ filters: { user_id: '*' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      client.search('secret', { filters: { user_id: 'alice', colour: 'red' } }),
    ).rejects.toThrow(/unknown field 'colour'/);
    expect(fake.violations).toHaveLength(3);
    expect(fake.violations[0]).toMatch(/entity id/);
  });

  it('pages through getAll with count, next and previous', async () => {
    const { fake, client } = await start();
    for (let i = 0; i < 5; i++) fake.seed({ userId: 'u1', text: `memory ${i}` });
    fake.seed({ userId: 'u2', text: 'someone else' });
    const first = await client.getAll({ filters: { user_id: 'u1' }, page: 1, pageSize: 2 });
    expect(first.count).toBe(5);
    expect(first.results).toHaveLength(2);
    expect(first.next).toBe(`${fake.baseUrl}/v3/memories/?page=2&page_size=2`);
    expect(first.previous).toBeNull();
    const last = await client.getAll({ filters: { user_id: 'u1' }, page: 3, pageSize: 2 });
    expect(last.results).toHaveLength(1);
    expect(last.next).toBeNull();
    expect(last.previous).toBe(`${fake.baseUrl}/v3/memories/?page=2&page_size=2`);
    const ids = new Set([...first.results, ...last.results].map((m) => m.id));
    expect(ids.size).toBe(3);
    expect(fake.violations).toEqual([]);
  });

  it('deletes one memory, then all of one user, leaving other users untouched', async () => {
    const { fake, client } = await start();
    const one = fake.seed({ userId: 'u1', text: 'first' });
    fake.seed({ userId: 'u1', text: 'second' });
    fake.seed({ userId: 'u2', text: 'other' });
    expect(await client.delete(one.id)).toEqual({ message: 'Memory deleted successfully!' });
    await expect(client.get(one.id)).rejects.toBeInstanceOf(MemoryNotFoundError);
    expect(fake.memories('u1').map((m) => m.memory)).toEqual(['second']);
    expect(await client.deleteAll({ userId: 'u1' })).toEqual({
      message: 'Memories deleted successfully!',
    });
    expect(fake.memories('u1')).toEqual([]);
    expect(fake.memories('u2')).toHaveLength(1);
    const history = await client.history(one.id);
    expect(history.map((h) => h.event)).toEqual(['ADD', 'DELETE']);
    expect(fake.violations).toEqual([]);
  });

  it('refuses deleteAll without any entity filter rather than deleting everything', async () => {
    const { fake, client } = await start();
    fake.seed({ userId: 'u1', text: 'keep me' });
    await expect(client.deleteAll({})).rejects.toBeInstanceOf(ValidationError);
    expect(fake.memories()).toHaveLength(1);
    expect(fake.violations).toEqual([
      'deleteAll without any entity filter (it would delete every memory)',
    ]);
  });

  it('emulates the asynchronous "Delete in progress" variant when asked to', async () => {
    const { fake, client } = await start({ asyncDeleteDelayMs: 100 });
    fake.seed({ userId: 'u1', text: 'going soon' });
    const answer = (await client.deleteAll({ userId: 'u1' })) as {
      message: string;
      eventId?: string;
    };
    expect(answer.message).toBe('Delete in progress. This may take some time.');
    expect(fake.memories('u1')).toHaveLength(1);
    await fake.waitFor(() => fake.memories('u1').length === 0);
  });

  it('updates a memory and deletes users and batches through the SDK', async () => {
    const { fake, client } = await start();
    const a = fake.seed({ userId: 'u1', text: 'likes tea' });
    const b = fake.seed({ userId: 'u2', text: 'likes coffee' });
    const c = fake.seed({ userId: 'u3', text: 'likes cocoa' });
    const updated = await client.update(a.id, { text: 'likes green tea', metadata: { k: 'v' } });
    expect(updated).toMatchObject({ id: a.id, memory: 'likes green tea', metadata: { k: 'v' } });
    await client.deleteUsers({ userId: 'u2' });
    expect(fake.memories().map((m) => m.id)).not.toContain(b.id);
    await client.batchDelete([c.id]);
    expect(fake.memories().map((m) => m.id)).toEqual([a.id]);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a wrong API key with an AuthenticationError', async () => {
    // The SDK logs its failed construction ping; keep the test output quiet.
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    fake = await startFakeMem0();
    const f = fake;
    const client = new MemoryClient({ apiKey: 'wrong-key', host: f.baseUrl });
    await expect(client.search('x', { filters: { user_id: 'u1' } })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    await f.waitFor(() => f.requests.find((r) => r.path === '/v1/ping/' && r.status === 401));
    await vi.waitFor(() => expect(errors).toHaveBeenCalled());
  });

  it('refuses and records a request body that violates the OpenAPI spec', async () => {
    const { fake } = await start();
    const response = await rawPost(fake, '/v3/memories/search/', {
      query: 'x',
      filters: { user_id: 'u1' },
      top_k: 0,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).detail).toMatch(/top_k must be >= 1/);
    expect(fake.violations).toEqual(['POST /v3/memories/search/: body/top_k must be >= 1']);
  });

  it('answers an unemulated route with 404 and records it', async () => {
    const { fake, client } = await start();
    await expect(client.users()).rejects.toBeInstanceOf(MemoryNotFoundError);
    expect(fake.violations).toEqual(['not emulated by FakeMem0: GET /v1/entities/']);
  });

  it('gives answers that conform to the response schemas of the spec', async () => {
    const { fake } = await start({ processingDelayMs: 0 });
    fake.seed({ userId: 'u1', text: 'walks the dog every morning' });
    const add = await json<{ event_id: string }>(
      rawPost(fake, '/v3/memories/add/', {
        messages: [{ role: 'user', content: 'hi there' }],
        user_id: 'u1',
      }),
    );
    expect(specErrors('POST', '/v3/memories/add/', add, 200)).toBeUndefined();
    const event = await json(rawGet(fake, `/v1/event/${add.event_id}/`));
    expect(specErrors('GET', '/v1/event/{event_id}/', event, 200)).toBeUndefined();
    const search = await json(
      rawPost(fake, '/v3/memories/search/', { query: 'dog', filters: { user_id: 'u1' } }),
    );
    expect(specErrors('POST', '/v3/memories/search/', search, 200)).toBeUndefined();
    const list = await json<{ results: { id: string }[] }>(
      rawPost(fake, '/v3/memories/', { filters: { user_id: 'u1' } }),
    );
    expect(specErrors('POST', '/v3/memories/', list, 200)).toBeUndefined();
    const id = list.results[0]?.id ?? '';
    const one = await json(rawGet(fake, `/v1/memories/${id}/`));
    expect(specErrors('GET', '/v1/memories/{memory_id}/', one, 200)).toBeUndefined();
    const history = await json(rawGet(fake, `/v1/memories/${id}/history/`));
    expect(specErrors('GET', '/v1/memories/{memory_id}/history/', history, 200)).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  it('injects failures, latency and connection resets on demand', async () => {
    const { fake, client } = await start();
    fake.seed({ userId: 'u1', text: 'hello world' });
    fake.failNext({ path: '/v3/memories/search/', status: 503 });
    await expect(client.search('hello', { filters: { user_id: 'u1' } })).rejects.toBeInstanceOf(
      NetworkError,
    );
    fake.setLatency(150, /search/);
    const started = Date.now();
    await client.search('hello', { filters: { user_id: 'u1' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fake.setLatency(0, /search/);
    fake.setUnreachable(true);
    await expect(client.search('hello', { filters: { user_id: 'u1' } })).rejects.toThrow(
      /fetch failed/,
    );
    fake.setUnreachable(false);
    const { results } = await client.search('hello', { filters: { user_id: 'u1' } });
    expect(results).toHaveLength(1);
    await expect(fake.waitFor(() => false, 20)).rejects.toThrow(/not met within 20 ms/);
    expect(fake.violations).toEqual([]);
  });
});
