// `npm run build` (and so `npm start`): compiles src/ and commands/ to dist/ with esbuild. A file
// is written only when its content changed, and then whole (a temporary file renamed over it), so
// that a bot starting or running from dist/ at the same time never reads a half-written file.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['src/**/*.ts', 'commands/**/*.ts'],
  outdir: 'dist',
  outbase: '.',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  write: false,
});

for (const file of result.outputFiles) {
  let current;
  try {
    current = readFileSync(file.path);
  } catch {
    current = undefined;
  }
  if (current !== undefined && Buffer.compare(current, file.contents) === 0) continue;
  mkdirSync(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
