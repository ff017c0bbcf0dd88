// Entry: the Discord bot in one process (`npm start`). The only file of it that reads the
// process environment.
import { runProcess } from './run-process.js';

await runProcess(process.env, {
  purpose: 'discord-bot',
  startingMessage: 'starting wellness0',
  // Imported once the settings are read: mem0 reads its own when its module loads.
  create: async (config, logger) => (await import('./app.js')).createApp(config, logger),
});
