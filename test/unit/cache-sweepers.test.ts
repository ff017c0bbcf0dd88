// discord.js's cache sweepers as the bot sets them, on a real discord.js Client that never logged
// in to the gateway (a worker's: REST only, so no `client.user`). A throw in the sweep timer ends
// the process: the user sweep, every 10 minutes, killed every worker of a split bot.
import { Client, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheSweepers } from '../../src/discord/discord-bot.js';

let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  client = undefined;
});

function user(id: string) {
  return {
    id,
    username: `user-${id}`,
    discriminator: '0',
    global_name: null,
    avatar: null,
  };
}

describe('the cache sweepers', () => {
  it('sweep the cached users of a client that never logged in, without throwing', () => {
    client = new Client({ intents: [GatewayIntentBits.Guilds], sweepers: cacheSweepers });
    expect(client.user).toBeNull();
    // As the gateway's events fill it (discord.js's own method, internal to its managers).
    const users = client.users as unknown as { _add(data: unknown): unknown };
    users._add(user('200000000000000001'));
    users._add(user('200000000000000002'));
    const filter = cacheSweepers.users?.filter?.();
    if (!filter) throw new Error('no user sweep');
    const swept = client.sweepers.sweepUsers(filter);
    expect(swept).toBe(2);
    expect(client.users.cache.size).toBe(0);
  });
});
