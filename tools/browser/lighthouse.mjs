// Lighthouse (mobile, its default throttling) on the three pages as people use them, signed in: the wallet showing a
// pass, the scanner at the door with its camera running (Chromium's fake camera), the console signed in as an
// issuer-admin. Puppeteer signs in first; Lighthouse then loads each page keeping its storage.
// Usage (scripts/lighthouse.sh runs it): node lighthouse.mjs BASE_URL DATA_DIR HOLDER_ID HOLDER_BIRTH OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { navigation } from 'lighthouse';

const [base, dataDir, holderId, holderBirth, outDir] = process.argv.slice(2);
const clients = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8')).clients;
fs.mkdirSync(outDir, { recursive: true });

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--disable-dev-shm-usage'],
});

async function signIn(url, fill) {
  const page = await browser.newPage();
  await page.goto(base + url, { waitUntil: 'networkidle0' });
  await fill(page);
  await new Promise((r) => setTimeout(r, 3000));
  return page;
}

async function type(page, selector, text) {
  await page.waitForSelector(selector, { visible: true });
  await page.type(selector, text);
}

const pages = {
  wallet: await signIn('/wallet/', async (p) => {
    await type(p, '#personId', holderId);
    await type(p, '#birthDate', holderBirth.replaceAll('-', ''));
    await p.click('#signinForm button[type=submit]');
    await p.waitForSelector('#pass:not(.hidden)');
  }),
  scanner: await signIn('/scanner/', async (p) => {
    await type(p, '#scannerId', 'scanner-venue-01');
    await type(p, '#secret', clients['scanner-venue-01'].secret);
    await p.click('#signinForm button[type=submit]');
    await p.waitForSelector('body[data-camera="on"]');
  }),
  console: await signIn('/console/', async (p) => {
    await type(p, '#clientId', 'admin-demo');
    await type(p, '#secret', clients['admin-demo'].secret);
    await p.click('#signinForm button[type=submit]');
    await p.waitForSelector('#who:not(.hidden)');
  }),
};

const rows = [];
for (const [name, page] of Object.entries(pages)) {
  await page.bringToFront(); // a background tab paints nothing (NO_FCP)
  const url = page.url().split('#')[0] + (name === 'console' ? '#dashboard' : '');
  const result = await navigation(page, url, {
    flags: { disableStorageReset: true, onlyCategories: ['performance', 'accessibility', 'best-practices'] },
  });
  fs.writeFileSync(path.join(outDir, name + '.json'), JSON.stringify(result.lhr));
  const c = result.lhr.categories;
  const failing = Object.values(result.lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
    .map((a) => a.id);
  rows.push({ page: name, performance: Math.round(c.performance.score * 100), accessibility: Math.round(c.accessibility.score * 100),
    bestPractices: Math.round(c['best-practices'].score * 100), failing: failing.join(' ') });
}
await browser.close();
console.table(rows);
fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(rows, null, 2));
