// `npm test`'s static checks, run side by side: each is one thread, and together they take about
// as long as the slowest (ESLint) instead of the sum. Prints each check's output once it ends
// (never interleaved) and exits non-zero when any check failed.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

/** @type {Array<[string, string, string[]]>} */
const checks = [
  ['typecheck', 'tsc', ['--noEmit']],
  ['format', 'prettier', ['--check', '.']],
  ['lint', 'eslint', ['.']],
];

/** @param {[string, string, string[]]} check */
function run([name, command, args]) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('npx', ['--no-install', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const verdict = code === 0 ? 'ok' : `failed (exit ${code})`;
      process.stdout.write(
        `${output.trimEnd() ? `${output.trimEnd()}\n` : ''}${name}: ${verdict} in ${seconds} s\n`,
      );
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(checks.map(run));
process.exitCode = results.every(Boolean) ? 0 : 1;
