// A trade-show day end to end, as people do it: visitors typed into booth mode with the
// keyboard (Turkish letters included), a returning visitor attached to their lead with one
// key, leads qualified afterwards and converted into a contact and a company, links both ways.
import fs from 'node:fs';

export const tests = [
  {
    name: 'booth capture, duplicate attach with F2, qualify, convert, links both ways',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      const s = await t.launch(profile, { locale: 'tr-TR' });
      const page = s.page;
      try {
        await t.openApp(page, server.url);
        await t.clickLabel(page, 'Fuar standı');
        // Booth header: event, source and owner stay set between visitors.
        await t.clickLabel(page, 'Etkinlik', { window: 'booth' });
        await t.typeText(page, 'WIN Eurasia İstanbul 2026');
        await t.clickLabel(page, 'Sorumlu', { window: 'booth' });
        await t.typeText(page, 'Selin Aydın');

        // First visitor: typed field after field with Tab, Enter saves.
        await t.clickLabel(page, 'Ad Soyad', { window: 'booth' });
        await t.typeText(page, 'Gülşen Ünal');
        await t.press(page, 'Tab');
        await t.typeText(page, 'Akın Tekstil Tic. Ltd. Şti.');
        await t.press(page, 'Tab');
        await t.typeText(page, 'Satınalma Uzmanı');
        await t.press(page, 'Tab');
        await t.typeText(page, 'gulsen.unal@akintekstil.net.tr');
        await t.press(page, 'Tab');
        await t.typeText(page, '0509 960 30 82');
        await t.press(page, 'Tab');
        await t.typeText(page, 'Konya');
        await t.press(page, 'Tab');
        await t.typeText(page, 'Örme makinesi');
        await t.press(page, 'Enter');
        // Ready for the next visitor: focus back in the first field.
        await t.waitForItem(page, (i) => i.active && i.label === 'Ad Soyad' && i.window.includes('booth'));

        // Second visitor.
        await t.typeText(page, 'İbrahim Çağlar');
        await t.press(page, 'Tab');
        await t.typeText(page, 'Öncü Ambalaj A.Ş.');
        await t.press(page, 'Enter');
        await t.waitForItem(page, (i) => i.active && i.label === 'Ad Soyad' && i.window.includes('booth'));

        // The first visitor comes back and gives a mobile number: duplicates show while typing,
        // F2 attaches the new detail to the existing lead.
        await t.typeText(page, 'GÜLŞEN ÜNAL');
        await t.press(page, 'Tab');
        await t.typeText(page, 'Akın Tekstil');
        await t.press(page, 'Tab');
        await t.press(page, 'Tab');
        await t.press(page, 'Tab');
        await t.typeText(page, '+90 532 444 55 66');
        await t.waitForItem(page, (i) => i.label.startsWith('Bu kayda ekle'));
        await t.press(page, 'F2');
        await t.waitFor(page, async () => {
          const r = await page.evaluate(() => window.kervan.call('lead.list', { query: 'gulsen' }));
          return r.total === 1 && r.items[0].phone === '0509 960 30 82';
        }, 'attached, not duplicated');
        const leads = await page.evaluate(() => window.kervan.call('lead.list', { event: 'WIN Eurasia İstanbul 2026' }));
        t.assert(leads.total === 2, `two leads at the event: ${leads.total}`);
        const gulsen = leads.items.find((l) => l.name === 'Gülşen Ünal');
        t.assert(gulsen && gulsen.source === 'trade_show' && gulsen.owner === 'Selin Aydın', JSON.stringify(gulsen));
        t.assert(gulsen.interest === 'Örme makinesi', `interest: ${gulsen.interest}`);
        t.assert(gulsen.notes === '' || gulsen.notes.length >= 0, 'notes');
        // The extra phone went into the existing lead's empty fields only: the phone was set,
        // so the new one is reported, not overwritten.
        await t.waitForItem(page, (i) => i.label === 'Ad Soyad' && i.window.includes('booth'));

        // After the fair: qualify in the leads screen, then convert.
        await t.clickLabel(page, 'Potansiyel müşteriler');
        await t.clickLabel(page, 'Gülşen Ünal');
        await t.clickLabel(page, 'Nitelikli');
        await t.waitFor(page, async () => (await page.evaluate((id) => window.kervan.call('lead.get', { id }), gulsen.id)).status === 'qualified', 'qualified');
        await t.clickLabel(page, 'Dönüştür…');
        await t.waitForItem(page, (i) => i.label.startsWith('Yeni kişi'));
        await t.clickLabel(page, 'Fırsat da aç');
        await t.clickLabel(page, 'Tutar');
        await t.typeText(page, '125000,50');
        await t.clickLabel(page, 'Dönüştür…', { window: 'Popup' });
        await t.waitFor(page, async () => (await page.evaluate((id) => window.kervan.call('lead.get', { id }), gulsen.id)).status === 'converted', 'converted');
        const lead = await page.evaluate((id) => window.kervan.call('lead.get', { id }), gulsen.id);
        t.assert(lead.contact_id && lead.company_id, `links: ${JSON.stringify(lead)}`);
        const deals = await page.evaluate(() => window.kervan.call('deal.list', {}));
        t.assert(deals.total === 1 && deals.items[0].amount === 12500050 && deals.items[0].source_lead_id === lead.id &&
          deals.items[0].company_id === lead.company_id, `deal from the conversion: ${JSON.stringify(deals.items[0])}`);

        // Links both ways: the lead shows its contact; the contact shows its company and lead.
        // Each step waits for a label only the new screen has (the lead form also has a
        // "Firma: ..." button), then for a frame drawn after it, before clicking on it.
        await t.clickLabel(page, 'Kişi: Gülşen Ünal');
        await t.waitForItem(page, (i) => i.label.startsWith('Kaynak kayıt: Gülşen Ünal ·'));
        await t.settle(page);
        await t.clickLabel(page, 'Firma: Akın Tekstil Tic. Ltd. Şti.');
        await t.waitForItem(page, (i) => i.label === 'Kişi: Gülşen Ünal');
        await t.settle(page);
        await t.clickLabel(page, 'Kaynak kayıt: Gülşen Ünal');
        await t.waitForItem(page, (i) => i.label.startsWith('Kişi: Gülşen Ünal') && i.window.includes('form_panel'));

        const counts = await page.evaluate(async () => ({
          contacts: (await window.kervan.call('contact.list', {})).total,
          companies: (await window.kervan.call('company.list', {})).total,
        }));
        t.assert(counts.contacts === 1 && counts.companies === 1, `one contact, one company: ${JSON.stringify(counts)}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
      } finally {
        await s.context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
];
