// The deals board as a salesperson uses it: drag a card to another stage, onto Won (final
// amount asked) and onto Lost (reason asked); column totals equal the sum of their cards.
import fs from 'node:fs';

async function drag(t, page, from, to) {
  await page.mouse.move(from.x + 20, from.y + 10);
  await t.sleep(60);
  await page.mouse.down();
  await t.sleep(60);
  await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 });
  await t.sleep(60);
  await page.mouse.move(to.x + 30, to.y + Math.min(80, to.h / 2), { steps: 10 });
  await t.sleep(100);
  await page.mouse.up();
  await t.sleep(200);
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
];
