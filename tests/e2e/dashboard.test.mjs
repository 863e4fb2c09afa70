// A sales manager's Monday: the dashboard shows the period's results, the pipeline, the
// forecast, the team and the trade show's return; figures on screen are the core's figures,
// and choosing a salesperson shows that person's numbers everywhere.
import fs from 'node:fs';

export const tests = [
  {
    name: 'dashboard: results, pipeline and forecast charts; a click on a salesperson filters every figure',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      const s = await t.launch(profile, {});
      const page = s.page;
      try {
        await t.openApp(page, server.url);
        await page.evaluate(async () => {
          const p = (await window.kervan.call('pipeline.list', {})).items[0];
          const make = (name, amount, owner, stage) => window.kervan.call('deal.create', { name, pipeline_id: p.id, amount, currency: 'TRY', owner, stage_id: p.stages[stage].id });
          const a1 = await make('Ayşe kazanılan 1', 1000000, 'Ayşe', 3);
          const a2 = await make('Ayşe kazanılan 2', 500000, 'Ayşe', 4);
          const m1 = await make('Mehmet kaybedilen', 300000, 'Mehmet', 1);
          await make('Mehmet açık', 2000000, 'Mehmet', 2);
          await window.kervan.call('deal.win', { id: a1.id, amount: 1000000 });
          await window.kervan.call('deal.win', { id: a2.id, amount: 500000 });
          await window.kervan.call('deal.lose', { id: m1.id, reason: 'price' });
          // A trade-show lead that became a won deal.
          const lead = await window.kervan.call('lead.create', { name: 'Fuar Ziyaretçisi', company: 'Deneme Ltd. Şti.', event: 'Ankara Fuarı', owner: 'Ayşe' });
          await window.kervan.call('lead.qualify', { id: lead.id });
        });
        await t.clickLabel(page, 'Dashboard');
        // Whole team: won 10,000 + 5,000 TRY; lost 3,000; win rate 2 of 3.
        const fig = async (name) => {
          const item = await t.waitForItem(page, (i) => i.label.startsWith(`figure:${name}=`));
          return item.label.slice(`figure:${name}=`.length);
        };
        t.assert(await fig('won') === '₺15,000.00', `won ${await fig('won')}`);
        t.assert(await fig('lost') === '₺3,000.00', `lost ${await fig('lost')}`);
        t.assert(await fig('win_rate') === '67 %', `win rate ${await fig('win_rate')}`);
        t.assert(await fig('average_won') === '₺7,500.00', `average ${await fig('average_won')}`);
        // Open pipeline: only Mehmet's 20,000 TRY deal in Proposal preparation (40 %).
        t.assert(await fig('open_pipeline') === '₺20,000.00', `open ${await fig('open_pipeline')}`);
        for (const chart of ['chart:forecast', 'chart:funnel']) await t.waitForItem(page, (i) => i.label === chart);
        const results = await page.evaluate(() => window.kervan.call('report.results', { period: 'this_month' }));
        t.assert(results.won.amount.amount === 1500000 && results.lost.count === 1, 'the core agrees');

        // Ayşe only: a click on her row in the team table.
        await t.clickLabel(page, 'Ayşe');
        await t.waitFor(page, async () => (await fig('lost')) === '₺0.00' || (await fig('lost')) === '—', 'lost figure for Ayşe');
        t.assert(await fig('won') === '₺15,000.00', 'Ayşe won both');
        t.assert(await fig('win_rate') === '100 %', `Ayşe's win rate ${await fig('win_rate')}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
      } finally {
        await s.context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
];
