/**
 * A local Discord stand-in for the real discord.js Client: REST under `/api/v10`, validated
 * against Discord's OpenAPI description and bot limits, and a JSON gateway with IDENTIFY, RESUME
 * and Discord's intent rules, on one 127.0.0.1 port.
 *
 * ```ts
 * const fake = await startFakeDiscord({ guilds: [{ id: '2', channels: [{ id: '3' }] }] });
 * const client = new Client({ intents, partials: [Partials.Channel], rest: { api: fake.apiBase } });
 * await client.login('test-token');
 * fake.sendDm({ userId: '4', content: 'hi' });
 * await fake.waitFor(() => fake.messages(fake.dmChannelId('4'))[0]);
 * expect(fake.violations).toEqual([]);
 * ```
 */
export { startFakeDiscord } from './fake-discord.js';
export { shapeForIntents } from './gateway.js';
export { Intent } from './payloads.js';
export { emulatedRoutes } from './rest.js';
export { defaultDiscordSpecPaths } from './spec-validation.js';
export type * from './types.js';
