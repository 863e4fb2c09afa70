// The page as a platform: the command bridge, bad input, offline start, language, keyboard
// and clipboard fixes, crisp high-DPI canvas, and a main loop that rests when nothing happens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

async function session(t, options, fn) {
  const profile = t.newProfileDir();
  const s = await t.launch(profile, options);
  try {
    await fn(s.page, s);
  } finally {
    await s.context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;

export const tests = [
  {
    name: 'the Content-Security-Policy allows nothing but the app\'s own files, and the app runs under it',
    async run({ server, t }) {
      const html = fs.readFileSync(path.join(t.distDir, 'index.html'), 'utf8');
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)[1];
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      t.assert(directives['default-src'].join(' ') === "'none'", `default-src: ${directives['default-src']}`);
      for (const [name, values] of Object.entries(directives)) {
        const foreign = values.filter((v) => !/^'(self|none|wasm-unsafe-eval|sha256-[A-Za-z0-9+/=]+)'$/.test(v));
        t.assert(foreign.length === 0, `${name} allows ${foreign.join(' ')}`);
      }
      // Every inline script and style of the page is allowed by its hash, and nothing else is.
      const inline = (tag) => [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
      for (const [tag, directive] of [['script', 'script-src'], ['style', 'style-src']]) {
        for (const body of inline(tag)) {
          const hash = sha256(body);
          t.assert(directives[directive].includes(hash), `${directive} lacks ${hash} (update the CSP in shell/index.html)`);
        }
      }
      await session(t, {}, async (page, s) => {
        await page.addInitScript(() => {
          window.__violations = [];
          document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
        });
        await t.openApp(page, server.url);
        await page.evaluate(() => window.kervan.call('lead.create', { name: 'CSP Deneme' }));
        const violations = await page.evaluate(() => window.__violations);
        t.assert(violations.length === 0, `violations: ${violations.join('; ')}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
      });
    },
  },
  {
    name: 'kervan.call round trips and refuses bad input without storing anything',
    async run({ server, t }) {
      await session(t, {}, async (page, s) => {
        await t.openApp(page, server.url);
        const created = await page.evaluate(() => window.kervan.call('lead.create', { name: 'Ayşe Gül', city: 'Muğla' }));
        t.assert(created.id && created.name === 'Ayşe Gül' && created.status === 'new', JSON.stringify(created));
        const got = await page.evaluate((id) => window.kervan.call('lead.get', { id }), created.id);
        t.assert(got.city === 'Muğla', `get: ${JSON.stringify(got)}`);
        const updated = await page.evaluate((id) => window.kervan.call('lead.update', { id, city: 'Bodrum' }), created.id);
        t.assert(updated.city === 'Bodrum', `update: ${JSON.stringify(updated)}`);
        const info = await page.evaluate(() => window.kervan.call('app.info'));
        t.assert(Number.isInteger(info.schema_version) && info.schema_version >= 3 && info.counts.leads === 1 && info.version, `info: ${JSON.stringify(info)}`);

        const bad = await page.evaluate(async () => {
          const k = window.kervan;
          return {
            malformed: await k.call('lead.create', '{"name": '),
            unknown: await k.call('lead.fly', {}),
            wrongType: await k.call('lead.create', { name: 42 }),
            notObject: await k.call('lead.create', [1, 2]),
            overlong: await k.call('lead.create', { name: 'x'.repeat(1024 * 1024) }),
            loneSurrogate: await k.call('lead.create', '{"name": "\\ud800"}'),
            objectSurrogate: await k.call('lead.create', { name: 'a\ud800b' }),
            rawSurrogate: await k.call('lead.create', '{"name": "a\ud800b"}'),
            empty: await k.call('lead.create', { name: '', company: '  ' }),
            missing: await k.call('lead.get', { id: 'nope' }),
          };
        });
        const expect = {
          malformed: ['invalid_json', 'args'], unknown: ['unknown_command', 'command'], wrongType: ['wrong_type', 'name'],
          notObject: ['invalid_args', 'args'], overlong: ['too_long', 'name'], loneSurrogate: ['invalid_json', 'args'],
          objectSurrogate: ['invalid_json', 'args'], rawSurrogate: ['invalid_utf8', 'args'], empty: ['required', 'name'], missing: ['not_found', 'id'],
        };
        for (const [key, [code, field]] of Object.entries(expect)) {
          const e = bad[key].error;
          t.assert(e && e.code === code && e.field === field && e.message, `${key}: ${JSON.stringify(bad[key]).slice(0, 200)}`);
        }
        const after = await page.evaluate(() => window.kervan.call('app.info'));
        t.assert(after.counts.leads === 1, `nothing stored by bad calls: ${after.counts.leads}`);
        // The app still draws and responds.
        await t.clickLabel(page, 'Search');
        await t.typeText(page, 'bodrum');
        await t.waitForItem(page, (i) => i.label === 'Ayşe Gül');
        t.assert(s.problems.length === 0, `no console errors: ${s.problems.join('; ')}`);
      });
    },
  },
  {
    name: 'after one online visit the app starts with the server gone',
    async run({ server, t }) {
      await session(t, {}, async (page, s) => {
        await t.openApp(page, server.url);
        await page.evaluate(() => window.kervan.call('lead.create', { name: 'Çevrimdışı Test' }));
        // Wait for the service worker to control the page and to have cached the app.
        await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.ready;
          if (!navigator.serviceWorker.controller) {
            await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
          }
          return reg.active.state;
        });
        await server.stop();
        await page.reload();
        await page.waitForFunction(() => window.kervan && window.kervan.ui, null, { timeout: 30000 });
        await page.evaluate(() => window.kervan.ready);
        await t.waitForItem(page, (i) => i.label === 'Çevrimdışı Test');
        const errors = s.problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(p));
        t.assert(errors.length === 0, `no console errors offline: ${errors.join('; ')}`);
      });
    },
  },
  {
    name: 'Turkish browser gets the Turkish UI; the language can be switched and is remembered',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        let s = await t.launch(profile, { locale: 'tr-TR' });
        await t.openApp(s.page, server.url);
        await t.waitForItem(s.page, (i) => i.label === 'Kaydet');
        await t.waitForItem(s.page, (i) => i.label === 'Ad Soyad');
        await t.clickLabel(s.page, 'Dil');
        await t.clickLabel(s.page, 'English');
        await t.waitForItem(s.page, (i) => i.label === 'Save');
        await s.page.evaluate(() => window.kervan.flush());
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();

        s = await t.launch(profile, { locale: 'tr-TR' });
        await t.openApp(s.page, server.url);
        await t.waitForItem(s.page, (i) => i.label === 'Full name');
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'AltGr characters, paste and copy, app shortcuts instead of the browser',
    async run({ server, t }) {
      await session(t, {}, async (page, s) => {
        await t.openApp(page, server.url);
        await t.clickLabel(page, 'E-mail', { window: 'form_panel' });
        await t.typeText(page, 'ali');
        // Windows reports AltGr+Q on a Turkish-Q keyboard as Ctrl+Alt with the text "@".
        const cdp = await page.context().newCDPSession(page);
        for (const ch of ['@']) {
          await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', modifiers: 3, key: ch, code: 'KeyQ', text: ch, unmodifiedText: 'q', windowsVirtualKeyCode: 81 });
          await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', modifiers: 3, key: ch, code: 'KeyQ', windowsVirtualKeyCode: 81 });
        }
        await t.typeText(page, 'firma.com.tr');
        // Paste: the page's paste event carries the system clipboard's text into the field.
        await page.evaluate(() => {
          const data = new DataTransfer();
          data.setData('text/plain', ' ₺€');
          document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
        });
        await t.sleep(100);
        await t.clickLabel(page, 'Full name', { window: 'form_panel' });
        await t.typeText(page, 'Kopya Deneme');
        await t.press(page, 'Enter');
        await page.evaluate(() => window.kervan.flush());
        const list = await page.evaluate(() => window.kervan.call('lead.list', { query: 'kopya' }));
        t.assert(list.total === 1 && list.items[0].email === 'ali@firma.com.tr ₺€', `typed e-mail: ${JSON.stringify(list.items[0])}`);

        // Copy: select all in a field and Ctrl+C hands the text to the system clipboard.
        await t.clickLabel(page, 'City', { window: 'form_panel' });
        await t.typeText(page, 'Şanlıurfa');
        await t.press(page, 'Control+a');
        await t.press(page, 'Control+c');
        const copied = await page.evaluate(() => window.kervan.ui.clipboard());
        t.assert(copied === 'Şanlıurfa', `copied: ${copied}`);

        // Ctrl+F and Ctrl+S belong to the app: the browser's default is prevented.
        await page.evaluate(() => {
          window.__prevented = {};
          document.addEventListener('keydown', (e) => { window.__prevented[e.key] = e.defaultPrevented; });
        });
        await t.press(page, 'Control+f');
        await t.press(page, 'Control+s');
        const seen = await page.evaluate(() => window.__prevented);
        t.assert(seen.f === true && seen.s === true, `browser shortcuts prevented: ${JSON.stringify(seen)}`);
        const active = await t.focusedItem(page);
        t.assert(active && active.label === 'Search', `Ctrl+F focused search: ${active && active.label}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await cdp.detach();
      });
    },
  },
  {
    name: 'crisp canvas at device pixel ratio 2; idle page draws no frames',
    async run({ server, t }) {
      await session(t, { deviceScaleFactor: 2 }, async (page, s) => {
        await t.openApp(page, server.url);
        await t.sleep(300);
        const size = await page.evaluate(() => {
          const c = document.getElementById('canvas');
          return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight, dpr: devicePixelRatio };
        });
        t.assert(size.dpr === 2 && size.w === size.cw * 2 && size.h === size.ch * 2, `canvas pixels: ${JSON.stringify(size)}`);
        // Item rectangles are CSS pixels: clicking by label works at any ratio.
        await t.clickLabel(page, 'Full name', { window: 'form_panel' });
        await t.typeText(page, 'Yüksek Çözünürlük');
        await t.press(page, 'Enter');
        await t.waitForItem(page, (i) => i.label === 'Yüksek Çözünürlük');

        // Resize: the canvas follows the window.
        await page.setViewportSize({ width: 1000, height: 700 });
        await t.waitFor(page, () => page.evaluate(() => document.getElementById('canvas').width === 2000), 'canvas resize');

        // Idle: with no input and nothing left to save, no frames are drawn (the loop returns
        // at once). A save completing redraws the status line, so wait for it first.
        await page.evaluate(() => window.kervan.flush());
        // Let the frames the last input asked for drain (slow on a busy machine) before timing.
        for (let settled = 0, last = -1, tries = 0; settled < 2 && tries < 20; tries++) {
          await t.sleep(500);
          const now = await page.evaluate(() => window.kervan.ui.frames());
          settled = now === last ? settled + 1 : 0;
          last = now;
        }
        const before = await page.evaluate(() => window.kervan.ui.frames());
        await t.sleep(3000);
        const after = await page.evaluate(() => window.kervan.ui.frames());
        t.assert(after === before, `idle frames drawn in 3 s: ${after - before}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
      });
    },
  },
];
