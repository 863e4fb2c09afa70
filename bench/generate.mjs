// Builds a realistic Kervan database through the native CLI's stdin protocol (so every row
// goes through the real commands): Turkish and English people, companies with Turkish and
// foreign legal forms, phones, e-mails, trade-show events, deals spread over the stages,
// activities linked to deals and leads.
//   node bench/generate.mjs --cli PATH/TO/kervan --db OUT.db --size 1k|10k|100k [--seed N]
// Sizes: 1k = 1,000 leads; 10k = 10,000 leads; 100k = 100,000 leads with 30,000 contacts,
// 20,000 companies, 20,000 deals and 100,000 activities (smaller sizes scale those down).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { seededRandom } from '../tests/e2e/lib.mjs';

export const SIZES = {
  '1k': { leads: 1000, contacts: 300, companies: 200, deals: 200, activities: 1000 },
  '10k': { leads: 10000, contacts: 3000, companies: 2000, deals: 2000, activities: 10000 },
  '100k': { leads: 100000, contacts: 30000, companies: 20000, deals: 20000, activities: 100000 },
};

const TR_FIRST = ['Ayşe', 'Fatma', 'Mehmet', 'Mustafa', 'Şükrü', 'Çiğdem', 'Gülşen', 'İbrahim', 'Ömer', 'Özlem', 'Ümit',
  'Ertuğrul', 'Işıl', 'Büşra', 'Cem', 'Deniz', 'Emre', 'Gökhan', 'Hülya', 'Kübra', 'Levent', 'Merve', 'Nesrin', 'Onur',
  'Pınar', 'Rıza', 'Selin', 'Tuğba', 'Yasemin', 'Zeynep', 'Ahmet', 'Elif', 'Hakan', 'İlknur', 'Serkan', 'Şebnem'];
const TR_LAST = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan',
  'Doğan', 'Kılıç', 'Aslan', 'Çetin', 'Kara', 'Koç', 'Kurt', 'Özkan', 'Şimşek', 'Polat', 'Erdoğan', 'Güneş', 'Aksoy',
  'Işık', 'Bulut', 'Ünal', 'Çakır', 'Güler', 'Tekin'];
const EN_FIRST = ['John', 'Emma', 'Oliver', 'Sophie', 'James', 'Charlotte', 'William', 'Amelia', 'Harry', 'Grace',
  'Thomas', 'Lucy', 'Daniel', 'Hannah', 'Peter', 'Laura'];
const EN_LAST = ['Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker',
  'Wright', 'Hughes', 'Green', 'Hall'];
const STEMS = ['Anadolu', 'Ege', 'Marmara', 'Karadeniz', 'Akdeniz', 'Toros', 'Başkent', 'Boğaziçi', 'Kapadokya', 'Yeşil',
  'Mavi', 'Altın', 'Demir', 'Çınar', 'Güneş', 'Yıldız', 'Doğa', 'Ekin', 'Özgür', 'Işıklar', 'Birlik', 'Atlas', 'Nova',
  'Delta', 'Kuzey', 'Güney', 'Pamukkale', 'Uludağ', 'Erciyes', 'Fırat'];
const SECTORS = ['Gıda', 'Tekstil', 'Makine', 'Otomotiv', 'Lojistik', 'İnşaat', 'Kimya', 'Elektronik', 'Mobilya',
  'Ambalaj', 'Yazılım', 'Enerji', 'Tarım', 'Medikal', 'Plastik', 'Metal'];
const FORMS = ['A.Ş.', 'Ltd. Şti.', 'San. ve Tic. A.Ş.', 'San. ve Tic. Ltd. Şti.', 'Koll. Şti.', 'GmbH', 'Ltd', 'Inc.'];
const CITIES = ['İstanbul', 'Ankara', 'İzmir', 'Bursa', 'Antalya', 'Konya', 'Gaziantep', 'Kayseri', 'Eskişehir',
  'Muğla', 'Şanlıurfa', 'Çanakkale', 'Diyarbakır', 'Trabzon'];
const EVENTS = ['CNR Expo 2026', 'WIN Eurasia 2026', 'Ankomak 2026', 'İzmir Enternasyonal Fuarı 2025',
  'Hannover Messe 2026', 'Gulfood 2026', 'Texworld İstanbul 2026', 'Yapı Fuarı 2026', 'Medica 2025', 'Agroexpo 2026'];
const TITLES = ['Satın Alma Müdürü', 'Genel Müdür', 'Üretim Şefi', 'Satış Uzmanı', 'Purchasing Manager', 'CEO',
  'Kalite Müdürü', 'Operations Director', 'İhracat Sorumlusu', 'Finans Müdürü'];
const SUBJECTS = ['Teklif gönder', 'Demo planla', 'Fiyat listesi ilet', 'Numune kargola', 'Follow-up call',
  'Sözleşme taslağı', 'Fabrika ziyareti', 'Send brochure', 'Ödeme koşullarını görüş', 'Referans ara'];

// Lower-case ASCII for e-mail addresses (ş → s, ı → i, ğ → g...).
function ascii(text) {
  const map = { ç: 'c', ğ: 'g', ı: 'i', i̇: 'i', ö: 'o', ş: 's', ü: 'u', â: 'a', î: 'i', û: 'u' };
  return text.toLocaleLowerCase('tr').replace(/[çğıöşüâîû]/g, (c) => map[c] || c).replace(/[^a-z0-9]+/g, '');
}

function makePeople(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  return {
    pick,
    person() {
      const english = random() < 0.2;
      const first = pick(english ? EN_FIRST : TR_FIRST);
      const last = pick(english ? EN_LAST : TR_LAST);
      return { name: `${first} ${last}`, first, last };
    },
    company() {
      return `${pick(STEMS)} ${pick(SECTORS)} ${pick(FORMS)}`;
    },
    phone() { return `+90 5${digits(2)} ${digits(3)} ${digits(2)} ${digits(2)}`; },
    email(person, company) { return `${ascii(person.first)}.${ascii(person.last)}${digits(2)}@${ascii(company.split(' ').slice(0, 2).join(''))}.com.tr`; },
    date(daysBack, daysAhead) {
      const ms = Date.UTC(2026, 10, 27) + Math.floor((random() * (daysBack + daysAhead) - daysBack) * 86400000);
      return new Date(ms).toISOString().slice(0, 19) + 'Z';
    },
  };
}

// Runs the CLI on `db` and sends requests phase by phase (a phase needs the ids of the last).
class Cli {
  constructor(cli, db) {
    this.proc = spawn(cli, ['--db', db], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = readline.createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
    this.next = 0;
  }
  async run(requests) {
    const ids = new Array(requests.length);
    const writer = (async () => {
      for (const r of requests) {
        const ok = this.proc.stdin.write(JSON.stringify({ command: r.command, args: r.args }) + '\n');
        if (!ok) await new Promise((res) => this.proc.stdin.once('drain', res));
      }
    })();
    for (let i = 0; i < requests.length; i++) {
      const { value } = await this.lines.next();
      const reply = JSON.parse(value);
      if (reply.error) throw new Error(`${requests[i].command}: ${JSON.stringify(reply.error)}`);
      ids[i] = reply;
    }
    await writer;
    return ids;
  }
  async close() {
    this.proc.stdin.end();
    await new Promise((res) => this.proc.once('exit', res));
  }
}

export async function generate({ cli, db, size, seed = 1, log = () => {} }) {
  const n = SIZES[size];
  if (!n) throw new Error(`unknown size ${size}; use ${Object.keys(SIZES).join(', ')}`);
  fs.rmSync(db, { force: true });
  const random = seededRandom(seed);
  const g = makePeople(random);
  const kervan = new Cli(cli, db);
  const started = Date.now();

  const companies = await kervan.run(Array.from({ length: n.companies }, (_, i) => ({
    command: 'company.create',
    args: { name: `${g.company()} ${i}`, city: g.pick(CITIES), country: 'Türkiye', phone: g.phone(), website: `www.firma${i}.com.tr` },
  })));
  log(`companies ${companies.length}`);
  const contacts = await kervan.run(Array.from({ length: n.contacts }, (_, i) => {
    const p = g.person();
    const company = companies[i % companies.length];
    return { command: 'contact.create', args: { name: p.name, title: g.pick(TITLES), emails: [g.email(p, company.name)], phones: [g.phone()], company_id: company.id } };
  }));
  log(`contacts ${contacts.length}`);
  await kervan.run(Array.from({ length: n.leads }, () => {
    const p = g.person();
    const company = g.company();
    return {
      command: 'lead.create',
      args: { name: p.name, company, title: g.pick(TITLES), email: g.email(p, company), phone: g.phone(), city: g.pick(CITIES), event: g.pick(EVENTS), notes: random() < 0.3 ? 'Standı ziyaret etti; katalog ve fiyat teklifi istedi.' : '' },
    };
  }));
  log(`leads ${n.leads}`);
  const [pipelines] = await kervan.run([{ command: 'pipeline.list', args: {} }]);
  const stages = (pipelines.items || pipelines.pipelines || [])[0]?.stages || [];
  const deals = await kervan.run(Array.from({ length: n.deals }, (_, i) => {
    const contact = contacts[i % contacts.length];
    const args = { name: `${g.pick(SECTORS)} projesi ${i}`, contact_id: contact.id, company_id: contact.company_id, amount: Math.floor(random() * 5000000) * 100 };
    if (stages.length) args.stage_id = g.pick(stages).id;
    return { command: 'deal.create', args };
  }));
  log(`deals ${deals.length}`);
  await kervan.run(Array.from({ length: n.activities }, (_, i) => ({
    command: 'activity.create',
    args: { type: g.pick(['call', 'meeting', 'task', 'email', 'note']), subject: g.pick(SUBJECTS), due_at: g.date(200, 30), links: [{ entity: 'deal', id: deals[i % deals.length].id }] },
  })));
  log(`activities ${n.activities}`);
  await kervan.close();
  return { seconds: (Date.now() - started) / 1000, bytes: fs.statSync(db).size };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const result = await generate({ cli: arg('cli'), db: arg('db'), size: arg('size', '1k'), seed: Number(arg('seed', 1)), log: (m) => console.error(m) });
  console.log(JSON.stringify(result));
}
