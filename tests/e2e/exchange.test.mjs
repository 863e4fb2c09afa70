// Files in and out, as people move data between offline laptops: a sync file downloaded on
// the booth laptop and imported on the manager's through the file picker; a trade-show list
// in CSV dropped on the page, mapped and imported with its repeats skipped; a list exported
// as CSV for Excel.
import fs from 'node:fs';
import path from 'node:path';

async function openDataMenu(t, page, item) {
  await t.clickLabel(page, 'Data');
  await t.clickLabel(page, item);
}

// Drops a file on the page the way a file dragged from the desktop arrives.
async function dropFile(page, name, bytes, type) {
  await page.evaluate(({ name, b64, type }) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], name, { type }));
    const target = document.querySelector('canvas');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { name, b64: bytes.toString('base64'), type });
}

export const tests = [
  {
    name: 'sync file from one device imported on another; a CSV list dropped on the page; a list exported as CSV',
    async run({ server, t }) {
      const profileA = t.newProfileDir();
      const profileB = t.newProfileDir();
      const a = await t.launch(profileA, {});
      let b = null;
      const work = fs.mkdtempSync(path.join(path.dirname(profileA), 'kervan-files-'));
      try {
        await t.openApp(a.page, server.url);
        await a.page.evaluate(async () => {
          for (const name of ['İlkay Şahin', 'Gökçe Ünal', 'Oğuz Işık']) {
            await window.kervan.call('lead.create', { name, company: 'Çağ Tekstil A.Ş.', event: 'İzmir Fuarı' });
          }
        });
        await openDataMenu(t, a.page, 'Export for another device…');
        await t.clickLabel(a.page, "This device's name");
        await t.typeText(a.page, 'Stand laptopu');
        const [download] = await Promise.all([a.page.waitForEvent('download'), t.clickLabel(a.page, 'Download')]);
        const file = path.join(work, download.suggestedFilename());
        await download.saveAs(file);
        const document = JSON.parse(fs.readFileSync(file, 'utf8'));
        t.assert(download.suggestedFilename().includes('stand-laptopu') || download.suggestedFilename().includes('stand'), `file name ${download.suggestedFilename()}`);
        t.assert(document.format === 'kervan-sync' && document.device && document.device.name === 'Stand laptopu',
          `the file names its format and device: ${JSON.stringify(document.device)}`);

        b = await t.launch(profileB, {});
        await t.openApp(b.page, server.url);
        const [chooser] = await Promise.all([b.page.waitForEvent('filechooser'), openDataMenu(t, b.page, 'Import a file (sync, CSV, vCard)…')]);
        await chooser.setFiles(file);
        await t.waitForItem(b.page, (i) => i.label === 'Close' && i.window.includes('import_dialog'));
        const names = await t.waitFor(b.page, async () => {
          const list = await b.page.evaluate(() => window.kervan.call('lead.list', { sort: 'name' }));
          return list.total === 3 ? list.items.map((l) => l.name) : null;
        }, 'the three leads on the second device');
        t.assert(names.includes('İlkay Şahin') && names.includes('Oğuz Işık'), names.join(', '));
        await t.clickLabel(b.page, 'Close', { window: 'import_dialog' });

        // A trade-show list (UTF-8 with BOM, ';', Turkish headers) dropped on the page.
        const csv = fs.readFileSync(path.join(t.repoRoot, 'tests/data/fair-leads-tr.csv'));
        await dropFile(b.page, 'fuar-listesi.csv', csv, 'text/csv');
        await t.clickLabel(b.page, 'Import', { window: 'import_dialog' });
        await t.waitForItem(b.page, (i) => i.label === 'Close' && i.window.includes('import_dialog'), 30000);
        const after = await b.page.evaluate(() => window.kervan.call('lead.list', { query: '' }));
        t.assert(after.total > 300 && after.total < 403, `leads after the CSV import: ${after.total}`);
        const repeats = after.total - 3;
        t.assert(repeats <= 400, 'no row imported twice');
        await t.clickLabel(b.page, 'Close', { window: 'import_dialog' });

        // The leads list as CSV: every row, with a BOM and ';' for Turkish Excel? (English UI: ',').
        await t.clickLabel(b.page, 'Leads');
        const [csvDownload] = await Promise.all([b.page.waitForEvent('download'), t.clickLabel(b.page, 'CSV')]);
        const exported = path.join(work, csvDownload.suggestedFilename());
        await csvDownload.saveAs(exported);
        const text = fs.readFileSync(exported, 'utf8');
        t.assert(text.charCodeAt(0) === 0xfeff, 'starts with a BOM');
        const lines = text.slice(1).split('\r\n').filter((l) => l.length);
        t.assert(lines.length === after.total + 1, `exported ${lines.length - 1} rows of ${after.total}`);

        // The deals list as CSV: amounts as numbers a spreadsheet can add (not kuruş), with their currency.
        await b.page.evaluate(() => window.kervan.call('deal.create', { name: 'Pres hattı', amount: 1250050, currency: 'TRY' }));
        await t.clickLabel(b.page, 'Deals');
        await t.clickLabel(b.page, 'List');
        const [dealsDownload] = await Promise.all([b.page.waitForEvent('download'), t.clickLabel(b.page, 'CSV')]);
        const dealsFile = path.join(work, dealsDownload.suggestedFilename());
        await dealsDownload.saveAs(dealsFile);
        const dealLines = fs.readFileSync(dealsFile, 'utf8').slice(1).split('\r\n');
        t.assert(dealLines[0].includes('Amount') && dealLines[0].endsWith(',Currency'), `deal CSV header: ${dealLines[0]}`);
        t.assert(dealLines.some((l) => l.startsWith('Pres hattı,') && l.includes(',12500.50,') && l.endsWith(',TRY')),
          `deal CSV rows: ${dealLines.join(' | ')}`);
        t.assert(a.problems.length === 0 && b.problems.length === 0, [...a.problems, ...b.problems].join('; '));
      } finally {
        await a.context.close();
        if (b) await b.context.close();
        for (const dir of [profileA, profileB, work]) fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
