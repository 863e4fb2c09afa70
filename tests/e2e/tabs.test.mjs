// Many tabs, one writer: the first tab writes, a second one opens read-only with a banner,
// follows the writer's saves, and can take over; saving from both at once loses nothing.
import fs from 'node:fs';

async function openTab(t, context, url) {
  const page = await context.newPage();
  await t.openApp(page, url);
  return page;
}

const status = (page) => page.evaluate(() => window.kervan.storage());
const bannerText = (page) => page.evaluate(() => {
  const b = document.getElementById('kervan-banner');
  return b.hidden ? '' : document.getElementById('kervan-banner-text').textContent;
});

export const tests = [
  {
    name: 'second tab is read-only with a banner, follows the writer, takes over; the first turns read-only',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        const s = await t.launch(profile);
        const first = s.page;
        await t.openApp(first, server.url);
        const second = await openTab(t, s.context, server.url);

        const a = await status(first);
        const b = await status(second);
        t.assert(!a.readOnly && b.readOnly && b.canTakeOver, `roles: ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
        t.assert(/open in another tab/.test(await bannerText(second)), 'read-only banner shown');
        t.assert((await bannerText(first)) === '', 'writer has no banner');
        const refused = await second.evaluate(() => window.kervan.call('lead.create', { name: 'Okuyucu' }));
        t.assert(refused.error && refused.error.code === 'read_only', `reader refuses writes: ${JSON.stringify(refused)}`);

        // The writer's change shows up in the reader, also on screen.
        await first.evaluate(() => window.kervan.call('lead.create', { name: 'Yazar Sekmesi Kaydı' }));
        await t.waitFor(second, async () => (await second.evaluate(() => window.kervan.call('lead.list', { query: 'yazar sekmesi' }))).total === 1, 'reader sees the save');
        await t.waitForItem(second, (i) => i.label === 'Yazar Sekmesi Kaydı');

        // Take over with the banner's button.
        await second.click('#kervan-banner-button');
        await t.waitFor(second, async () => !(await status(second)).readOnly, 'second tab writes');
        await t.waitFor(first, async () => (await status(first)).readOnly, 'first tab turned read-only');
        const created = await second.evaluate(() => window.kervan.call('lead.create', { name: 'Devralan Sekme' }));
        t.assert(created.id, `new writer saves: ${JSON.stringify(created)}`);
        const nowRefused = await first.evaluate(() => window.kervan.call('lead.create', { name: 'Eski Yazar' }));
        t.assert(nowRefused.error && nowRefused.error.code === 'read_only', 'old writer refuses writes');
        await t.waitFor(first, async () => (await first.evaluate(() => window.kervan.call('lead.list', { query: 'devralan' }))).total === 1, 'old writer follows the new one');

        // The writer closes: the remaining tab becomes the writer by itself.
        await second.close();
        await t.waitFor(first, async () => !(await status(first)).readOnly, 'remaining tab writes again', 15000);
        const last = await first.evaluate(() => window.kervan.call('lead.create', { name: 'Son Kayıt' }));
        t.assert(last.id, `remaining tab saves: ${JSON.stringify(last)}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'two tabs saving at once while the writer changes hands: nothing reported saved is lost, never two writers',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        const s = await t.launch(profile);
        const tabs = [s.page, null];
        await t.openApp(tabs[0], server.url);
        tabs[1] = await openTab(t, s.context, server.url);
        const saved = new Set();
        // Both tabs try to save all the time; only the writer's saves may succeed.
        const startLoop = (page, index) => page.evaluate((index) => {
          window.__stop = false;
          (async () => {
            for (let i = 0; !window.__stop; i++) {
              const name = `Sekme ${index} kayıt ${Date.now()}-${i}`;
              const r = await window.kervan.call('lead.create', { name });
              if (r.id) console.log('saved:' + name);
              else await new Promise((res) => setTimeout(res, 5));
            }
          })();
        }, index);
        for (const [index, page] of tabs.entries()) {
          page.on('console', (msg) => {
            const m = /^saved:(.*)$/.exec(msg.text());
            if (m) saved.add(m[1]);
          });
          await startLoop(page, index);
        }
        let writersSeen = 0;
        for (let round = 0; round < 6; round++) {
          const index = (round + 1) % 2;
          const reader = tabs[index];
          try {
            await reader.evaluate(() => window.kervan.takeOver());
          } catch {
            // A tab that lost writing with unsaved changes reloads to take over.
            await reader.waitForFunction(() => window.kervan && window.kervan.ui, null, { timeout: 30000 });
            await reader.evaluate(() => window.kervan.ready);
            await startLoop(reader, index);
          }
          await t.sleep(300);
          const roles = await Promise.all(tabs.map(status));
          const writers = roles.filter((r) => !r.readOnly).length;
          t.assert(writers <= 1, `round ${round}: ${writers} writers`);
          writersSeen += writers;
        }
        for (const page of tabs) await page.evaluate(() => { window.__stop = true; });
        await t.sleep(300);
        for (const page of tabs) await page.evaluate(() => window.kervan.flush());
        t.assert(writersSeen >= 5 && saved.size > 10, `saves happened: ${saved.size}`);
        await s.context.close();

        const again = await t.launch(profile);
        await t.openApp(again.page, server.url);
        const reply = await again.page.evaluate(() => window.kervan.call('lead.list', { limit: 100000 }));
        const names = new Set(reply.items.map((i) => i.name));
        const missing = [...saved].filter((n) => !names.has(n));
        t.assert(missing.length === 0, `reported saved but lost: ${missing.slice(0, 5)} (${missing.length} of ${saved.size})`);
        const check = await again.page.evaluate(() => window.kervan.checkIntegrity());
        t.assert(check.ok, `integrity: ${JSON.stringify(check)}`);
        await again.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
];
