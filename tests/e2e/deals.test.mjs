// The deals board as a salesperson uses it: drag a card to another stage, onto Won (final
// amount asked) and onto Lost (reason asked); column totals equal the sum of their cards.
import fs from 'node:fs';

// A person's drag, each step followed by frames drawn after it (settle() throws if none come),
// so a slow frame on a loaded machine cannot swallow a step (ImGui sees the mouse once per
// frame).
async function drag(t, page, from, to) {
  await page.mouse.move(from.x + 20, from.y + 10);
  await t.settle(page);
  await page.mouse.down();
  await t.settle(page);
  await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 });
  await t.settle(page);
  await page.mouse.move(to.x + 30, to.y + Math.min(80, to.h / 2), { steps: 10 });
  await t.settle(page);
  await page.mouse.up();
  await t.settle(page);
}

export const tests = [
  {
    name: 'drag cards between stages, win and lose by dropping; totals match the cards',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      const s = await t.launch(profile, {});
      const page = s.page;
      try {
        await t.openApp(page, server.url);
        const pipeline = await page.evaluate(async () => {
          await window.kervan.call('rate.set', { currency: 'USD', per_base: '34.25' });
          const p = (await window.kervan.call('pipeline.list', {})).items[0];
          for (const [name, amount, currency, stage] of [['Paketleme hattı', 125000000, 'TRY', 0], ['Örme makinesi', 4500000, 'USD', 2],
            ['Yedek parça', 2000000, 'TRY', 2]]) {
            await window.kervan.call('deal.create', { name, pipeline_id: p.id, amount, currency, stage_id: p.stages[stage].id });
          }
          return p;
        });
        await t.clickLabel(page, 'Deals');
        const card = await t.waitForItem(page, (i) => i.label === 'card:Paketleme hattı');
        const negotiation = await t.waitForItem(page, (i) => i.label === 'column:Negotiation');
        await drag(t, page, card, negotiation);
        await t.waitFor(page, async () => {
          const d = (await page.evaluate(() => window.kervan.call('deal.list', { query: 'paketleme' }))).items[0];
          return d.stage.name === 'Negotiation';
        }, 'moved to Negotiation');

        // Totals of the proposal column: 45,000.00 USD × 34.25 + 20,000.00 TRY, weighted at 40 %.
        const column = await page.evaluate((p) => window.kervan.call('deal.list', { pipeline_id: p.id, stage_id: p.stages[2].id, status: 'open' }), pipeline);
        const sum = column.items.reduce((a, d) => a + d.amount_base, 0);
        const weighted = column.items.reduce((a, d) => a + d.weighted_base, 0);
        t.assert(column.totals.amount_base === sum && sum === 154125000 + 2000000, `column total ${column.totals.amount_base} vs cards ${sum}`);
        t.assert(column.totals.weighted_base === weighted && weighted === 61650000 + 800000, `weighted ${weighted}`);

        // Won: drop, confirm the final amount.
        await drag(t, page, await t.waitForItem(page, (i) => i.label === 'card:Örme makinesi'),
          await t.waitForItem(page, (i) => i.label === 'zone:Won'));
        await t.clickLabel(page, 'Close as won');
        await t.waitFor(page, async () => (await page.evaluate(() => window.kervan.call('deal.list', { query: 'orme' }))).items[0].status === 'won', 'won');
        // The won card leaves its column and the cards below it move up: take the next card's
        // place from a frame drawn after that, not from one drawn before the board reloaded.
        await t.waitFor(page, async () => !(await t.items(page)).some((i) => i.label === 'card:Örme makinesi'), 'won card off the board');
        await t.settle(page);

        // Lost: drop, a reason is required.
        await drag(t, page, await t.waitForItem(page, (i) => i.label === 'card:Yedek parça'),
          await t.waitForItem(page, (i) => i.label === 'zone:Lost'));
        await t.clickLabel(page, 'Competitor');
        await t.clickLabel(page, 'Close as lost');
        await t.waitFor(page, async () => {
          const d = (await page.evaluate(() => window.kervan.call('deal.list', { query: 'yedek' }))).items[0];
          return d.status === 'lost' && d.lost_reason === 'competitor';
        }, 'lost with reason');
        t.assert(s.problems.length === 0, s.problems.join('; '));
      } finally {
        await s.context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'deal detail: plan the next step; My day completes it with Enter and schedules the follow-up',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      const s = await t.launch(profile, {});
      const page = s.page;
      try {
        await t.openApp(page, server.url);
        await page.evaluate(async () => {
          const p = (await window.kervan.call('pipeline.list', {})).items[0];
          await window.kervan.call('deal.create', { name: 'Kalıp siparişi', pipeline_id: p.id, amount: 990000, currency: 'TRY' });
        });
        await t.clickLabel(page, 'Deals');
        await t.clickLabel(page, 'card:Kalıp siparişi');
        await t.waitForItem(page, (i) => i.label === 'Plan');
        await t.clickLabel(page, 'activity_subject');
        await t.typeText(page, 'Teklifi gönder');
        await t.clickLabel(page, 'Plan');
        await t.waitFor(page, async () => (await page.evaluate(() => window.kervan.call('activity.list', {}))).total === 1, 'activity planned');

        await t.clickLabel(page, 'My day');
        await t.waitForItem(page, (i) => i.label === 'Teklifi gönder');
        await t.clickLabel(page, 'Follow-up');
        await t.typeText(page, 'Ara: teklif hakkında');
        await t.clickLabel(page, 'Teklifi gönder');  // select the row; focus leaves the text field
        await t.press(page, 'Enter');
        await t.waitFor(page, async () => {
          const list = await page.evaluate(() => window.kervan.call('activity.list', {}));
          const done = list.items.find((a) => a.subject === 'Teklifi gönder');
          const next = list.items.find((a) => a.subject === 'Ara: teklif hakkında');
          return done && done.done && next && !next.done && next.links.length === 1;
        }, 'completed with follow-up linked to the deal');
        t.assert(s.problems.length === 0, s.problems.join('; '));
      } finally {
        await s.context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'pipelines and rates window: a rate and a stage are added by hand; the list view shows the deals',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      const s = await t.launch(profile, {});
      const page = s.page;
      try {
        await t.openApp(page, server.url);
        await t.clickLabel(page, 'Pipelines and rates…');
        await t.clickLabel(page, 'Exchange rates');
        await t.clickLabel(page, 'rate_currency');
        await t.typeText(page, 'EUR');
        await t.clickLabel(page, 'rate_value');
        await t.typeText(page, '37,10');
        await t.clickLabel(page, 'Set rate');
        await t.waitFor(page, async () => {
          const r = await page.evaluate(() => window.kervan.call('rate.list', {}));
          return r.items.some((x) => x.currency === 'EUR' && x.per_base === '37.1');
        }, 'EUR rate stored');
        await t.clickLabel(page, 'Sales');
        await t.clickLabel(page, 'new_stage');
        await t.typeText(page, 'Demo');
        await t.clickLabel(page, 'Add', { window: 'pipelines' });
        await t.waitFor(page, async () => {
          const p = (await page.evaluate(() => window.kervan.call('pipeline.list', {}))).items[0];
          return p.stages.some((st) => st.name === 'Demo');
        }, 'stage added');
        await page.evaluate(async () => {
          const p = (await window.kervan.call('pipeline.list', {})).items[0];
          await window.kervan.call('deal.create', { name: 'Euro fırsatı', pipeline_id: p.id, amount: 100000, currency: 'EUR' });
        });
        await t.clickLabel(page, 'Deals');
        await t.clickLabel(page, 'List');
        await t.waitForItem(page, (i) => i.label === 'Euro fırsatı');
        t.assert(s.problems.length === 0, s.problems.join('; '));
      } finally {
        await s.context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'new deal with a company picked by typing; a meeting linked to deal and contact; timeline; owner filter',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      const s = await t.launch(profile, {});
      const page = s.page;
      // Clicks the first widget whose label satisfies `predicate` (labels that carry a date or a company).
      const clickWhere = async (predicate, options) => t.clickLabel(page, (await t.waitForItem(page, predicate)).label, options);
      try {
        await t.openApp(page, server.url);
        const ids = await page.evaluate(async () => {
          const company = await window.kervan.call('company.create', { name: 'Özyurt Makina San. ve Tic. A.Ş.' });
          const contact = await window.kervan.call('contact.create', { name: 'Şule Kaya', company_id: company.id });
          const p = (await window.kervan.call('pipeline.list', {})).items[0];
          await window.kervan.call('deal.create', { name: 'Ayşe fırsatı', pipeline_id: p.id, amount: 100000, currency: 'TRY', owner: 'Ayşe' });
          await window.kervan.call('deal.create', { name: 'Mehmet fırsatı', pipeline_id: p.id, amount: 200000, currency: 'TRY', owner: 'Mehmet' });
          // A salesperson who owns leads but no deal yet: offered by the owner filter too.
          await window.kervan.call('lead.create', { name: 'Fuar ziyaretçisi', owner: 'Zehra' });
          return { company: company.id, contact: contact.id };
        });
        await t.clickLabel(page, 'Deals');
        await t.clickLabel(page, 'New deal');
        await t.clickLabel(page, 'Deal name', { window: 'Popup' });
        await t.typeText(page, 'Pres hattı yenileme');
        await t.clickLabel(page, 'Amount', { window: 'Popup' });
        await t.typeText(page, '250.000,00');
        await t.clickLabel(page, 'Company', { window: 'Popup' });
        await t.typeText(page, 'özyurt');  // the picker's search field has the keyboard as it opens
        await t.clickLabel(page, 'Özyurt Makina San. ve Tic. A.Ş.');
        await t.clickLabel(page, 'Save', { window: 'Popup' });
        const deal = await t.waitFor(page, async () => {
          const d = (await page.evaluate(() => window.kervan.call('deal.list', { query: 'pres hattı' }))).items[0];
          return d && d.company_id === ids.company && d.amount === 25000000 ? d : null;
        }, 'deal created with the company picked');

        // The new deal's detail is open: plan a meeting, linked to the contact as well.
        await t.clickLabel(page, 'New activity…');
        // A new window is measured on its first frame before it takes clicks.
        await t.waitForItem(page, (i) => i.label === 'Subject' && i.window.includes('activity_editor'));
        await t.sleep(300);
        await t.clickLabel(page, 'Meeting', { window: 'activity_editor' });
        await t.clickLabel(page, 'Subject', { window: 'activity_editor' });
        await t.typeText(page, 'Şantiyede görüşme');
        await t.clickLabel(page, 'When', { window: 'activity_editor' });
        await t.typeText(page, '2026-12-01 14:30');
        await t.clickLabel(page, 'Duration (min)', { window: 'activity_editor' });
        await t.typeText(page, '45');
        await t.clickLabel(page, 'link_entity', { window: 'activity_editor' });
        await t.clickLabel(page, 'Contact', { window: 'Combo' });
        await t.clickLabel(page, 'link_record', { window: 'activity_editor' });
        await t.typeText(page, 'şule');
        await clickWhere((i) => i.label.startsWith('Şule Kaya'), { window: 'Combo' });
        await t.clickLabel(page, 'Link', { window: 'activity_editor' });
        // The layout grows by the new link's line: wait for it before aiming at Save.
        await t.waitFor(page, async () => (await t.items(page)).filter((i) => i.label === '×' && i.window.includes('activity_editor')).length === 2, 'contact linked');
        await t.clickLabel(page, 'Save', { window: 'activity_editor' });
        const meeting = await t.waitFor(page, async () => {
          const list = await page.evaluate(() => window.kervan.call('activity.list', {}));
          const a = list.items.find((x) => x.subject === 'Şantiyede görüşme');
          return a && a.type === 'meeting' && a.duration_minutes === 45 && a.links.length === 2 &&
            a.links.some((l) => l.entity === 'contact' && l.id === ids.contact) && a.due_at.startsWith('2026-12-01') ? a : null;
        }, 'meeting saved with both links');
        t.assert(meeting.links.some((l) => l.entity === 'deal' && l.id === deal.id), 'linked to the deal');

        // The timeline shows it; a click opens it again, and it is marked done there.
        await clickWhere((i) => i.label.includes('Meeting: Şantiyede görüşme') && i.label.includes('○'));
        await t.waitForItem(page, (i) => i.label === 'Done' && i.window.includes('activity_editor'));
        await t.sleep(300);
        await t.clickLabel(page, 'Done', { window: 'activity_editor' });
        await t.clickLabel(page, 'Save', { window: 'activity_editor' });
        await t.waitFor(page, async () => (await page.evaluate((id) => window.kervan.call('activity.get', { id }), meeting.id)).done === true, 'done from the timeline');
        await t.waitForItem(page, (i) => i.label.includes('✓ Meeting: Şantiyede görüşme'));

        // One salesperson's board.
        await t.clickLabel(page, 'deal_owner');
        await t.waitForItem(page, (i) => i.label === 'Zehra' && i.window.includes('Combo'));
        await t.clickLabel(page, 'Ayşe', { window: 'Combo' });
        await t.waitFor(page, async () => {
          const labels = (await t.items(page)).map((i) => i.label);
          return labels.includes('card:Ayşe fırsatı') && !labels.includes('card:Mehmet fırsatı') && !labels.includes('card:Pres hattı yenileme');
        }, 'only Ayşe\'s deals on the board');

        // The contact's detail shows the same meeting.
        await t.clickLabel(page, 'Contacts');
        await t.clickLabel(page, 'Şule Kaya');
        await t.waitForItem(page, (i) => i.label.includes('Meeting: Şantiyede görüşme'));
        t.assert(s.problems.length === 0, s.problems.join('; '));
      } finally {
        await s.context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
];
