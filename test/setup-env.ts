// Runs before every test file's imports: mem0 reads these at module load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.MEM0_TELEMETRY = 'false';
process.env.MEM0_DIR = mkdtempSync(join(tmpdir(), 'wellness0-mem0-'));
