// Entry: prints the built-in crisis lines as JSON, a starting point for CRISIS_RESOURCES_FILE.
import { defaultCrisisResources } from './safety/builtin-crisis-lines.js';

process.stdout.write(`${JSON.stringify(defaultCrisisResources, null, 2)}\n`);
