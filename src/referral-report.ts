// Entry: prints the crisis referrals counted in DATA_DIR for one year (California's SB 243 report).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { readReferralDays, referralTotals } from './safety/referral-counts.js';

dotenv.config({ quiet: true, path: process.env.DOTENV_CONFIG_PATH ?? '.env' });
const year = process.argv[2] ?? String(new Date().getUTCFullYear() - 1);
if (!/^\d{4}$/.test(year)) {
  console.error('Usage: npm run referrals -- <year>, such as 2027.');
  process.exit(1);
}
const path = join(resolve(process.env.DATA_DIR?.trim() || './data'), 'crisis-referrals.json');
if (!existsSync(path)) {
  console.log(`No referrals counted yet (${path} does not exist).`);
  process.exit(0);
}
const totals = referralTotals(readReferralDays(path), year);
const regions = Object.keys(totals).sort();
let all = 0;
console.log(
  `Crisis referrals in ${year}, by region (detected crisis / answer blocked for safety):`,
);
for (const region of regions) {
  const { detected = 0, 'safety-block': blocked = 0 } = totals[region] ?? {};
  all += detected + blocked;
  console.log(
    `  ${region.padEnd(8)} ${String(detected).padStart(6)} / ${String(blocked).padStart(6)}`,
  );
}
console.log(`  total    ${String(all).padStart(6)}`);
