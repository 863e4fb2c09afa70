// The lead's journey: typed with the keyboard (Turkish letters included) into the capture
// form, found through the search box, still there after the browser restarts.
import fs from 'node:fs';

async function withBrowser(t, profile, options, fn) {
  const session = await t.launch(profile, options);
  try {
    await fn(session.page);
    t.assert(session.problems.length === 0, `no console errors: ${session.problems.join('; ')}`);
  } finally {
    await session.context.close();
  }
}

async function rowLabels(t, page) {
  const all = await t.items(page);
  return all.filter((i) => i.window.includes('leads_')).map((i) => i.label);
}

export const tests = [
  {
    name: 'capture by keyboard, find with folded search, keep across a browser restart',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        await withBrowser(t, profile, {}, async (page) => {
          await t.openApp(page, server.url);
          // The form opens with the cursor in the first field.
          let active = await t.waitForItem(page, (i) => i.active && i.label === 'Full name');

          await t.typeText(page, 'Şükrü Işık');
          await t.press(page, 'Tab');
          await t.waitFor(page, async () => (await t.focusedItem(page))?.label === 'Company', 'Tab moves to Company');
          await t.typeText(page, 'Öztürk Gıda San. ve Tic. A.Ş.');
          await t.press(page, 'Tab');
          await t.typeText(page, 'Satın Alma Müdürü');
          await t.press(page, 'Tab');
          await t.typeText(page, 'sukru.isik@ozturkgida.com.tr');
          await t.press(page, 'Tab');
          await t.typeText(page, '0532 123 45 67');
          await t.press(page, 'Tab');
          await t.typeText(page, 'İzmir');
          await t.press(page, 'Enter');

          // Saved: the form is empty again, focus back on the first field, ready for the next.
          active = await t.waitForItem(page, (i) => i.active && i.label === 'Full name');
          t.assert(active, 'focus back on Full name');
          const listed = await page.evaluate(() => window.kervan.call('lead.list', {}));
          t.assert(listed.total === 1, `one lead stored, got ${listed.total}`);
          const lead = listed.items[0];
          t.assert(lead.name === 'Şükrü Işık', `name kept exactly: ${lead.name}`);
          t.assert(lead.company === 'Öztürk Gıda San. ve Tic. A.Ş.', `company: ${lead.company}`);
          t.assert(lead.title === 'Satın Alma Müdürü', `title: ${lead.title}`);
          t.assert(lead.email === 'sukru.isik@ozturkgida.com.tr', `email: ${lead.email}`);
          t.assert(lead.city === 'İzmir', `city: ${lead.city}`);

          // A second visitor, all Turkish letters in both cases.
          await t.typeText(page, 'Çiğdem Ünlü Öğüt');
          await t.press(page, 'Tab');
          await t.typeText(page, 'ĞÜŞİÖÇ ğüşıöç Ltd. Şti.');
          await t.press(page, 'Enter');
          await t.waitForItem(page, (i) => i.label === 'Çiğdem Ünlü Öğüt');
          const second = await page.evaluate(() => window.kervan.call('lead.list', { query: 'cigdem' }));
          t.assert(second.items[0].company === 'ĞÜŞİÖÇ ğüşıöç Ltd. Şti.', `all letters: ${second.items[0].company}`);

          // Search box: Ctrl+F, then a plain-ASCII query finds the Turkish name.
          await t.press(page, 'Control+f');
          await t.waitFor(page, async () => (await t.focusedItem(page))?.label === 'Search', 'Ctrl+F focuses search');
          await t.typeText(page, 'sukru isik');
          // Both names are listed before the search: wait for the filtered list itself.
          const only = (shown, hidden) => async () => {
            const rows = await rowLabels(t, page);
            return rows.includes(shown) && !rows.includes(hidden);
          };
          await t.waitFor(page, only('Şükrü Işık', 'Çiğdem Ünlü Öğüt'), 'only the match is listed');
          for (let i = 0; i < 10; i++) await t.press(page, 'Backspace');
          await t.typeText(page, 'ISIK');
          await t.waitFor(page, only('Şükrü Işık', 'Çiğdem Ünlü Öğüt'), 'upper-case ASCII finds the Turkish name');
          await page.evaluate(() => window.kervan.flush());
        });

        // Close the browser, open it again on the same profile: the leads are still there.
        await withBrowser(t, profile, {}, async (page) => {
          await t.openApp(page, server.url);
          await t.waitForItem(page, (i) => i.label === 'Şükrü Işık');
          await t.waitForItem(page, (i) => i.label === 'Çiğdem Ünlü Öğüt');
          await t.clickLabel(page, 'Search');
          await t.typeText(page, 'öğüt');
          await t.waitFor(page, async () => {
            const rows = await rowLabels(t, page);
            return rows.includes('Çiğdem Ünlü Öğüt') && !rows.includes('Şükrü Işık');
          }, 'search after restart lists only the match');
        });
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'edit and delete a lead from the table; sort by clicking a column header',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        await withBrowser(t, profile, {}, async (page) => {
          await t.openApp(page, server.url);
          for (const [name, event] of [['Zeynep Kaya', 'Agroexpo 2026'], ['Ahmet Çelik', 'Agroexpo 2026'], ['İpek Şahin', 'Yapı Fuarı']]) {
            await page.evaluate(([n, e]) => window.kervan.call('lead.create', { name: n, event: e }), [name, event]);
          }
          await t.waitForItem(page, (i) => i.label === 'İpek Şahin');
          const order = async () => (await t.items(page))
            .filter((i) => ['Zeynep Kaya', 'Ahmet Çelik', 'İpek Şahin'].includes(i.label))
            .sort((a, b) => a.y - b.y).map((i) => i.label);
          const inOrder = (expected) => t.waitFor(page, async () => (await order()).join() === expected, expected);
          await inOrder('İpek Şahin,Ahmet Çelik,Zeynep Kaya');  // newest first
          await t.clickLabel(page, 'Full name', { window: 'leads_' });
          await inOrder('Ahmet Çelik,İpek Şahin,Zeynep Kaya');  // Turkish alphabetical: İ after A
          await t.clickLabel(page, 'Full name', { window: 'leads_' });
          await inOrder('Zeynep Kaya,İpek Şahin,Ahmet Çelik');

          // Select a row: the form edits it.
          await t.clickLabel(page, 'Ahmet Çelik');
          await t.waitForItem(page, (i) => i.label === 'Delete');
          await t.clickLabel(page, 'City', { window: 'form_panel' });
          await t.typeText(page, 'Eskişehir');
          await t.press(page, 'Control+s');
          await page.evaluate(() => window.kervan.flush());
          const found = await page.evaluate(() => window.kervan.call('lead.list', { query: 'eskisehir' }));
          t.assert(found.total === 1 && found.items[0].name === 'Ahmet Çelik', `edited: ${JSON.stringify(found)}`);

          await t.clickLabel(page, 'Delete');
          // The confirmation has the same caption; wait for it (Cancel beside it) before clicking.
          await t.waitForItem(page, (i) => i.label === 'Cancel' && i.window.includes('form_panel'));
          await t.clickLabel(page, 'Delete', { window: 'form_panel' });
          await page.evaluate(() => window.kervan.flush());
          const info = await page.evaluate(() => window.kervan.call('app.info'));
          t.assert(info.counts.leads === 2, `deleted: ${JSON.stringify(info.counts)}`);

          // Filter by event: the combo above the table lists the events with their counts
          // (read when it opens, after the delete).
          const filter = (await t.items(page)).filter((i) => i.label === 'Event' && i.window.includes('leads_')).sort((a, b) => a.y - b.y)[0];
          await page.mouse.click(filter.x + 20, filter.y + filter.h / 2);
          await t.clickLabel(page, 'Agroexpo 2026 (1)');
          await t.waitFor(page, async () => (await order()).join() === 'Zeynep Kaya', 'only the Agroexpo lead listed');
        });
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
];
