// Runs every browser test (tests/e2e/*.test.mjs) against dist/, served on 127.0.0.1 under a
// sub-path so the site is always tested the way it is hosted. Each test gets a fresh
// Chromium profile. Usage: node tests/e2e/run.mjs [name-filter]
import fs from 'node:fs';
import path from 'node:path';
import * as t from './lib.mjs';

// A test that has not finished by then fails (a hang must not stall the whole run); its
// browsers are killed so the next test starts on a quiet machine.
const testTimeoutMs = Number(process.env.KERVAN_E2E_TIMEOUT_S || 300) * 1000;

// The browsers this runner started (Playwright spawns Chromium as a direct child), with
// all their child processes.
const killBrowsersStartedHere = () => t.killProcessTrees((p) => p.ppid === process.pid && /chrom/i.test(p.args));

const filter = process.argv[2] || '';
const dir = path.dirname(new URL(import.meta.url).pathname);
if (!fs.existsSync(path.join(t.distDir, 'index.html'))) {
  console.error('e2e: dist/ is missing; run ./build-wasm.sh first');
  process.exit(2);
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort();
let passed = 0;
const failed = [];
for (const file of files) {
  const module = await import(path.join(dir, file));
  for (const test of module.tests) {
    const name = `${file.replace('.test.mjs', '')}: ${test.name}`;
    if (filter && !name.includes(filter)) continue;
    const started = Date.now();
    const server = await t.startServer('/apps/kervan/');
    try {
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${testTimeoutMs / 1000} s`)), testTimeoutMs);
      });
      try {
        await Promise.race([test.run({ server, t }), timeout]);
      } catch (err) {
        if (String(err && err.message).startsWith('timed out after')) killBrowsersStartedHere();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      passed++;
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed.push(name);
      console.log(`FAIL ${name}\n     ${String(err && err.stack || err).split('\n').slice(0, 6).join('\n     ')}`);
    } finally {
      await server.stop();
    }
  }
}
console.log(`e2e: ${passed} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
