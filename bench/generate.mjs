// Builds a realistic Kervan database through the native CLI's stdin protocol (so every row
// goes through the real commands): Turkish and English people, companies with Turkish and
// foreign legal forms, phones, e-mails, trade-show events, deals spread over the stages,
// activities linked to deals and leads. It replays two years of work in time order (the
// CLI's --clock-from-requests dates each request): leads captured at trade shows and from
// the web, qualified, disqualified and converted; deals moved, won and lost by eight
// salespeople in TRY, EUR and USD with monthly rates; activities done or overdue; a forecast
// snapshot each time the month turns. The data ends on END, whatever day it is generated.
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
// Trade shows of the two years, each with its first day.
const EVENTS = [
  ['Agroexpo 2025', '2025-01-30'], ['Gulfood 2025', '2025-02-17'], ['WIN Eurasia 2025', '2025-03-13'],
  ['Hannover Messe 2025', '2025-03-31'], ['Ankomak 2025', '2025-05-21'], ['İzmir Enternasyonal Fuarı 2025', '2025-09-05'],
  ['Texworld İstanbul 2025', '2025-09-16'], ['Yapı Fuarı 2025', '2025-10-21'], ['Medica 2025', '2025-11-17'],
  ['Agroexpo 2026', '2026-02-05'], ['Gulfood 2026', '2026-02-16'], ['CNR Expo 2026', '2026-03-19'],
  ['Hannover Messe 2026', '2026-04-20'], ['Ankomak 2026', '2026-05-20'], ['İzmir Enternasyonal Fuarı 2026', '2026-09-04'],
  ['Texworld İstanbul 2026', '2026-09-15'], ['Yapı Fuarı 2026', '2026-10-20'], ['Medica 2026', '2026-11-16'],
].map(([name, day]) => ({ name, at: Date.parse(`${day}T07:00:00Z`) }));
const OWNERS = ['Ayşe Yılmaz', 'Mehmet Kaya', 'Zeynep Demir', 'Emre Şahin', 'Selin Çelik', 'Gökhan Öztürk',
  'İlknur Aydın', 'John Smith'];
const WEB_SOURCES = ['web_form', 'referral', 'price_inquiry', 'phone_call', 'other'];
const DISQUALIFY = ['no_budget', 'no_need', 'competitor_customer', 'unreachable', 'other'];
const LOST = ['price', 'competitor', 'no_budget', 'no_decision', 'timing', 'other'];

export const GENERATOR_VERSION = 2;  // part of the cached database's file name
const DAY = 86400000;
const END = Date.parse('2026-11-27T16:00:00Z');
const START = END - 730 * DAY;
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
    // A time between from and to (ms), uniformly.
    between(from, to) { return Math.floor(from + random() * (to - from)); },
  };
}

const iso = (ms) => new Date(ms).toISOString().slice(0, 19) + 'Z';
const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);

// Runs the CLI on `db` and sends timed requests in time order. A request's args may be a
// function of earlier replies (`needs`): the writer waits for those replies before sending it.
class Cli {
  constructor(cli, db) {
    this.proc = spawn(cli, ['--db', db, '--clock-from-requests'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = readline.createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async run(requests) {
    requests.sort((a, b) => a.at - b.at);
    const writer = (async () => {
      for (const r of requests) {
        if (r.needs) await Promise.all(r.needs.map((n) => n.done));
        const args = typeof r.args === 'function' ? r.args() : r.args;
        const ok = this.proc.stdin.write(JSON.stringify({ command: r.command, args, at: iso(r.at) }) + '\n');
        if (!ok) await new Promise((res) => this.proc.stdin.once('drain', res));
      }
    })();
    for (const r of requests) {
      const { value } = await this.lines.next();
      const reply = JSON.parse(value);
      if (reply.error) throw new Error(`${r.command} at ${iso(r.at)}: ${JSON.stringify(reply.error)}`);
      r.reply = reply;
      r.resolve();
    }
    await writer;
  }
  async close() {
    this.proc.stdin.end();
    await new Promise((res) => this.proc.once('exit', res));
  }
}

// One timed request; `.reply` is set once the CLI answered it.
function request(at, command, args, needs) {
  const r = { at, command, args, needs };
  r.done = new Promise((res) => { r.resolve = res; });
  return r;
}

export async function generate({ cli, db, size, seed = 1, log = () => {} }) {
  const n = SIZES[size];
  if (!n) throw new Error(`unknown size ${size}; use ${Object.keys(SIZES).join(', ')}`);
  fs.rmSync(db, { force: true });
  const random = seededRandom(seed);
  const g = makePeople(random);
  const chance = (p) => random() < p;
  const kervan = new Cli(cli, db);
  const started = Date.now();
  const setupEnd = START + 60 * DAY;  // companies and contacts come over from the old system first

  // Set up: pipelines exist; rates of EUR and USD each month (the lira falls, as it did).
  const [pipelines] = await runOnce(kervan, request(START, 'pipeline.list', {}));
  const stages = (pipelines.reply.items || [])[0]?.stages || [];
  const requests = [];
  for (let m = 0, at = START; at < END; m++, at += 30 * DAY) {
    requests.push(request(at, 'rate.set', { currency: 'EUR', per_base: (33 + m * 0.65).toFixed(2) }));
    requests.push(request(at + 1000, 'rate.set', { currency: 'USD', per_base: (30.5 + m * 0.5).toFixed(2) }));
  }
  for (let d = new Date(setupEnd); d.getTime() < END; d.setUTCMonth(d.getUTCMonth() + 1, 1)) {
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1, 6);
    if (monthStart > setupEnd) requests.push(request(monthStart, 'report.snapshot', { if_month_turned: true, utc_offset_minutes: 180 }));
  }

  // Leads first on paper: how many convert decides how many contacts and deals are made directly.
  const leads = [];
  for (let i = 0; i < n.leads; i++) {
    const event = chance(0.6) ? g.pick(EVENTS) : null;
    const at = event ? event.at + g.between(0, 4 * DAY) : g.between(setupEnd, END - DAY);
    if (at > END) { i--; continue; }
    const fate = random();
    leads.push({ at, event, qualify: fate < 0.35, disqualify: fate >= 0.35 && fate < 0.55, convert: fate < 0.35 && chance(0.15) });
  }
  const converted = leads.filter((l) => l.convert).length;
  const convertedDeals = Math.round(converted * 0.7);

  const companies = Array.from({ length: n.companies }, (_, i) => request(g.between(START, START + 30 * DAY), 'company.create',
    { name: `${g.company()} ${i}`, city: g.pick(CITIES), country: 'Türkiye', phone: g.phone(), website: `www.firma${i}.com.tr` }));
  const contacts = Array.from({ length: Math.max(1, n.contacts - converted) }, (_, i) => {
    const p = g.person();
    const company = companies[i % companies.length];
    return request(g.between(START + 30 * DAY, setupEnd), 'contact.create',
      () => ({ name: p.name, title: g.pick(TITLES), emails: [g.email(p, company.reply.name)], phones: [g.phone()], company_id: company.reply.id }),
      [company]);
  });
  requests.push(...companies, ...contacts);

  // The life of a deal from its creation: stage moves, then won, lost or still open.
  const deals = [];
  const plan = (create, at, amount) => {
    deals.push({ create, at });
    const expected = at + g.between(20 * DAY, 150 * DAY);
    const closeAt = Math.min(END - 1000, expected + g.between(-20 * DAY, 20 * DAY));
    const closes = expected < END - 10 * DAY && chance(0.85);
    const lastAt = closes ? closeAt : END - 1000;
    const id = () => create.reply.deal ? create.reply.deal.id : create.reply.id;
    for (let k = 1, moves = Math.floor(random() * Math.min(4, stages.length)); k <= moves && stages[k]; k++) {
      const stage = stages[k];
      const moveAt = at + Math.floor((lastAt - at) * k / (moves + 1));
      if (moveAt > at) requests.push(request(moveAt, 'deal.move', () => ({ id: id(), stage_id: stage.id, confirm: true }), [create]));
    }
    if (closes && closeAt > at) {
      requests.push(chance(0.35)
        ? request(closeAt, 'deal.win', () => ({ id: id(), amount: Math.round(amount * (0.8 + random() * 0.3)) }), [create])
        : request(closeAt, 'deal.lose', () => ({ id: id(), reason: g.pick(LOST) }), [create]));
    }
    return expected;
  };
  const dealFields = (i) => {
    const currency = chance(0.8) ? 'TRY' : g.pick(['EUR', 'USD']);
    const amount = (currency === 'TRY' ? Math.floor(random() * 5000000) : Math.floor(random() * 150000)) * 100;
    return { name: `${g.pick(SECTORS)} projesi ${i}`, amount, currency, owner: g.pick(OWNERS) };
  };

  let converts = 0;
  for (const [i, l] of leads.entries()) {
    const p = g.person();
    const company = g.company();
    const owner = g.pick(OWNERS);
    const create = request(l.at, 'lead.create', {
      name: p.name, company, title: g.pick(TITLES), email: g.email(p, company), phone: g.phone(), city: g.pick(CITIES),
      source: l.event ? 'trade_show' : g.pick(WEB_SOURCES), event: l.event ? l.event.name : '', owner,
      notes: chance(0.3) ? 'Standı ziyaret etti; katalog ve fiyat teklifi istedi.' : '',
    });
    requests.push(create);
    const decideAt = l.at + g.between(DAY, 20 * DAY);
    if (decideAt >= END) continue;
    if (l.disqualify) requests.push(request(decideAt, 'lead.disqualify', () => ({ id: create.reply.id, reason: g.pick(DISQUALIFY) }), [create]));
    if (!l.qualify) continue;
    requests.push(request(decideAt, 'lead.qualify', () => ({ id: create.reply.id }), [create]));
    const convertAt = decideAt + g.between(DAY, 30 * DAY);
    if (!l.convert || convertAt >= END) continue;
    const linkTo = g.pick(companies);
    const withDeal = converts++ < convertedDeals;
    const deal = withDeal ? dealFields(`d${i}`) : null;
    const convert = request(convertAt, 'lead.convert', () => {
      const a = { id: create.reply.id, contact: { mode: 'new' }, company: { mode: 'link', id: linkTo.reply.id }, allow_duplicates: true };
      if (deal) a.deal = { name: deal.name, amount: deal.amount, currency: deal.currency, expected_close: dayOf(convertAt + 60 * DAY) };
      return a;
    }, [create, linkTo]);
    requests.push(convert);
    if (deal) plan(convert, convertAt, deal.amount);
  }

  for (let i = 0; deals.length < n.deals; i++) {
    const contact = contacts[i % contacts.length];
    const at = g.between(setupEnd, END - DAY);
    const fields = dealFields(i);
    const create = request(at, 'deal.create', () => ({ ...fields, contact_id: contact.reply.id, company_id: contact.reply.company_id,
      stage_id: stages[0]?.id, expected_close: dayOf(create.expected) }), [contact]);
    create.expected = plan(create, at, fields.amount);
    requests.push(create);
  }

  // Activities on deals, a few days apart from the deal's start; most done by their due time.
  for (let i = 0; i < n.activities; i++) {
    const deal = deals[i % deals.length];
    const at = Math.min(END - 1000, deal.at + g.between(1000, 90 * DAY));
    const due = at + g.between(0, 14 * DAY);
    const create = request(at, 'activity.create', () => ({
      type: g.pick(['call', 'meeting', 'task', 'email', 'note']), subject: g.pick(SUBJECTS), due_at: iso(due), owner: g.pick(OWNERS),
      links: [{ entity: 'deal', id: deal.create.reply.deal ? deal.create.reply.deal.id : deal.create.reply.id }],
    }), [deal.create]);
    requests.push(create);
    if (due < END - 2 * DAY && chance(0.85)) requests.push(request(due, 'activity.complete', () => ({ id: create.reply.id }), [create]));
  }

  log(`${requests.length} requests over ${dayOf(START)} .. ${dayOf(END)}`);
  await kervan.run(requests);
  await kervan.close();
  return { seconds: (Date.now() - started) / 1000, bytes: fs.statSync(db).size, requests: requests.length + 1 };
}

async function runOnce(kervan, r) {
  await kervan.run([r]);
  return [r];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const result = await generate({ cli: arg('cli'), db: arg('db'), size: arg('size', '1k'), seed: Number(arg('seed', 1)), log: (m) => console.error(m) });
  console.log(JSON.stringify(result));
}
