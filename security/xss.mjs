// xss.mjs - stored and reflected XSS check (run by scripts/security.sh).
// Every payload of security/xss-payloads.txt goes through every text field
// a person can fill - article title, summary, body (Markdown) and author
// by an editor; category name and description, website link name (and
// URL), poll question and options by an administrator; a citizen's
// comment name and text, a moderator's reply; the search query - and then
// every page that shows it is rendered in headless Chromium: public
// article, admin edit page, listings, menu and sidebar, moderation queue,
// approved comments, search results, and the error pages that give
// refused input back.  The pages are rendered with the Content-Security-
// Policy BYPASSED, so the check proves the escaping itself, not only the
// CSP safety net.  A hook records alert/confirm/prompt/print, hdx() calls
// and dialogs; a DOM check looks for injected elements and attributes
// (event handlers, javascript:/data: URLs, scripts, frames, objects,
// elements or ids named hdx*).  Prints one "xss: ..." summary line and
// exits 1 when anything executed or was injected.
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, launchBrowser, newPage, signIn, ROOT, ADMIN, MODERATOR, SEED_SLUG, DESKTOP,
} from '../e2e/lib/harness.mjs';

const MAX_SECONDS = Number(process.env.XSS_MAX_SECONDS || 900);
const t0 = Date.now();
const overtime = () => (Date.now() - t0) / 1000 > MAX_SECONDS;
const payloads = fs.readFileSync(path.join(ROOT, 'security', 'xss-payloads.txt'), 'utf8')
  .split('\n').filter((l) => l.length && !l.startsWith('# '));

const srv = await startServer();
const browser = await launchBrowser();
const findings = [];
let pagesRendered = 0, pagesShowing = 0, submissions = 0, refused = 0;

// ---- the page that renders: hooks and DOM check -------------------------
const HOOK = () => {
  window.__hdx = [];
  const rec = (what) => (...a) => { window.__hdx.push(what + ':' + a.map(String).join(',')); };
  window.hdx = rec('hdx');
  window.alert = rec('alert'); window.confirm = rec('confirm'); window.prompt = rec('prompt'); window.print = rec('print');
  const log = console.log.bind(console);
  console.log = (...a) => { if (a.join(' ').includes('hdx')) window.__hdx.push('console:' + a.join(' ')); log(...a); };
};
const DOMCHECK = () => {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'poster', 'background'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (tag.includes('hdx')) bad.push('element <' + tag + '>');
    if (['iframe', 'frame', 'object', 'embed', 'base', 'isindex', 'applet'].includes(tag)) bad.push('element <' + tag + '>');
    if (tag === 'meta' && el.getAttribute('http-equiv')) bad.push('meta http-equiv');
    if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/static/')) bad.push('script ' + (el.getAttribute('src') || 'inline'));
    const idv = el.getAttribute('id') || '';   // not el.id: a form's "id" input shadows it
    if (idv.toLowerCase().startsWith('hdx')) bad.push('id=' + idv);
    for (const a of el.getAttributeNames()) {
      const v = (el.getAttribute(a) || '').replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
      if (a.startsWith('on')) bad.push(`<${tag} ${a}>`);
      if (a === 'style' && /hdx|expression|javascript|url\(/.test(v)) bad.push(`<${tag} style>`);
      if (urlAttrs.includes(a) && /^(javascript|vbscript|data:text\/html)/.test(v)) bad.push(`<${tag} ${a}=${v.slice(0, 40)}>`);
    }
  }
  return bad;
};

const ctxAdmin = await newPage(browser, DESKTOP, { bypassCSP: true });
await signIn(ctxAdmin, srv.base, ADMIN);
const viewer = await newPage(browser, DESKTOP, { bypassCSP: true });
for (const p of [ctxAdmin, viewer]) {
  await p.addInitScript(HOOK);
  p.dialogs = [];
  p.on('dialog', async (d) => { p.dialogs.push(d.type() + ':' + d.message()); await d.dismiss().catch(() => {}); });
}

// Render url in page (or, with html, that exact response body at that
// URL) and record what executed or was injected.
async function render(page, url, what, html) {
  if (overtime()) return;
  if (html !== undefined) {
    await page.route(srv.base + url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  }
  try {
    await page.goto(srv.base + url, { waitUntil: 'load' });
    await page.waitForTimeout(30);
    const fired = await page.evaluate(() => window.__hdx || []);
    const injected = await page.evaluate(DOMCHECK);
    const dialogs = page.dialogs.splice(0);
    pagesRendered++;
    if (await page.evaluate(() => document.body && document.body.innerText.includes('hdx'))) pagesShowing++;
    if (fired.length || injected.length || dialogs.length)
      findings.push({ what, url, fired, injected: [...new Set(injected)].slice(0, 8), dialogs });
  } catch (e) {
    findings.push({ what, url, error: String(e).slice(0, 200) });
  } finally {
    if (html !== undefined) await page.unroute(srv.base + url);
  }
}

async function csrfOf(page, url) {
  await page.goto(srv.base + url);
  return page.locator('input[name="csrf"]').first().inputValue();
}

// POST a form with the admin's session (cookies of its browser context).
async function adminPost(url, form) {
  submissions++;
  const res = await ctxAdmin.context().request.post(srv.base + url, {
    form, headers: { Origin: srv.base }, maxRedirects: 0,
  });
  return { status: res.status(), location: res.headers()['location'] || '', body: await res.text() };
}

// The detector must be able to fail: a deliberately unescaped page.
await render(viewer, '/__canary', 'canary', '<!doctype html><title>c</title><img src=x onerror="alert(\'hdx\')"><p id=hdx0>x</p><script>hdx(0)</script>');
const canary = findings.splice(0);
if (!(canary.length === 1 && canary[0].fired.length >= 2 && canary[0].injected.length >= 2)) {
  console.log('xss: the detector missed a deliberately injected page: ' + JSON.stringify(canary));
  process.exit(2);
}
pagesRendered = 0; pagesShowing = 0;

const csrf = await csrfOf(ctxAdmin, '/quan-tri/bai-viet/moi');
const catId = await ctxAdmin.locator('#f-category option').nth(1).getAttribute('value');
const published = await ctxAdmin.locator('#f-status option').evaluateAll(
  (os) => (os.find((o) => /^(published|dang)/.test(o.value)) || os[os.length - 1]).value);

// ---- 1. articles: title, summary, body, author --------------------------
const articles = [];
for (let i = 0; i < payloads.length && !overtime(); i++) {
  const p = payloads[i];
  const r = await adminPost('/quan-tri/bai-viet/luu', {
    csrf, id: '', title: `${p} #${i}`, slug: '', category_id: catId, summary: p, body: `${p}\n\n${p}`,
    author: p, status: published, published_at: '',
  });
  if (r.status === 303 && /\/quan-tri\/bai-viet\/\d+/.test(r.location)) {
    articles.push({ i, edit: new URL(r.location, srv.base).pathname });
  } else {
    refused++;
    await render(ctxAdmin, '/quan-tri/bai-viet/luu', `article save refused (#${i}, ${r.status})`, r.body);
  }
}
for (const a of articles) {
  if (overtime()) break;
  await render(ctxAdmin, a.edit, `admin edit page (#${a.i})`);
  const href = await ctxAdmin.locator('a', { hasText: 'Xem trên trang' }).first().getAttribute('href', { timeout: 3000 }).catch(() => null);
  if (href) {
    a.pub = href;
    await render(viewer, href, `public article (#${a.i})`);
    await render(viewer, href + '/in', `print view (#${a.i})`);
  }
}
for (const [u, w] of [['/', 'home'], ['/quan-tri/bai-viet', 'admin article list'], ['/quan-tri/nhat-ky', 'audit log']])
  await render(u.startsWith('/quan-tri') ? ctxAdmin : viewer, u, w);
const catHref = await viewer.locator('a[href^="/chuyen-muc/"]').first().getAttribute('href', { timeout: 3000 }).catch(() => null);
for (let pg = 1; pg <= 6 && catHref; pg++) await render(viewer, `${catHref}?trang=${pg}`, `category listing page ${pg}`);

// ---- 2. categories, links, polls (admin) ----------------------------------
for (let i = 0; i < payloads.length && !overtime(); i++) {
  const p = payloads[i];
  let r = await adminPost('/quan-tri/chuyen-muc/luu', { csrf, id: '', name: `${p} #${i}`, slug: '', parent_id: '0', position: String(100 + i), description: p, in_menu: i % 10 === 0 ? '1' : '' });
  if (r.status !== 303) { refused++; await render(ctxAdmin, '/quan-tri/chuyen-muc/luu', `category refused (#${i})`, r.body); }
  r = await adminPost('/quan-tri/lien-ket/luu', { csrf, id: '', name: `${p} #${i}`, url: 'https://example.gov.vn/' + i });
  if (r.status !== 303) { refused++; await render(ctxAdmin, '/quan-tri/lien-ket/luu', `link refused (#${i})`, r.body); }
  r = await adminPost('/quan-tri/lien-ket/luu', { csrf, id: '', name: `Liên kết ${i}`, url: p });
  if (r.status !== 303) { refused++; await render(ctxAdmin, '/quan-tri/lien-ket/luu', `link URL refused (#${i})`, r.body); }
  r = await adminPost('/quan-tri/binh-chon/luu', { csrf, id: '', question: `${p} #${i}`, options: `${p}\nPhương án hai ${i}`, opens_at: '', closes_at: '' });
  if (r.status !== 303) { refused++; await render(ctxAdmin, '/quan-tri/binh-chon/luu', `poll refused (#${i})`, r.body); }
}
for (const [u, w] of [['/quan-tri/chuyen-muc', 'admin categories'], ['/quan-tri/lien-ket', 'admin links'], ['/quan-tri/binh-chon', 'admin polls']])
  await render(ctxAdmin, u, w);
// Open every poll so it shows publicly, then render the public pages.
await ctxAdmin.goto(srv.base + '/quan-tri/binh-chon');
const openForms = await ctxAdmin.locator('form:has(input[name="trang_thai"][value="open"])').evaluateAll((fs2) => fs2.map((f) => f.getAttribute('action')));
for (const a of openForms.slice(0, 120)) { if (overtime()) break; await adminPost(a, { csrf, trang_thai: 'open' }); }
await render(viewer, '/', 'home with links, menu and poll');
const menuCats = await viewer.locator('a[href^="/chuyen-muc/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
for (const u of [...new Set(menuCats)].slice(0, 40)) await render(viewer, u, 'category page ' + u);
await render(viewer, '/binh-chon', 'poll list');
const pollLinks = await viewer.locator('main a[href^="/binh-chon/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
for (const u of [...new Set(pollLinks)].slice(0, 120)) { if (overtime()) break; await render(viewer, u, 'poll page ' + u); }
await render(viewer, '/bai-viet/' + SEED_SLUG, 'article with sidebar (links, poll)');

// ---- 3. comments (citizen: name, text) and a moderator's reply ------------
// Each comment from a new visitor (no cookie: a fresh visitor id), through
// the comment form page, with the verification code read in test mode.
async function anonComment(slugPath, name, text) {
  const form = await fetch(srv.base + slugPath + '/gui-binh-luan');
  const html = await form.text();
  const val = (n) => { const m = html.match(new RegExp(`name="${n}" value="([^"]*)"`)); return m ? m[1].replace(/&amp;/g, '&') : ''; };
  const id = val('ma_id');
  const code = (await (await fetch(`${srv.base}/xac-thuc/${id}/thu-nghiem`)).text()).trim();
  const body = new URLSearchParams({ csrf: val('csrf'), ho_ten: name, email: '', noi_dung: text, website: '', ma_id: id, ma_xac_thuc: code });
  submissions++;
  const res = await fetch(srv.base + slugPath + '/binh-luan', {
    method: 'POST', body, redirect: 'manual',
    headers: { Origin: srv.base, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, body: await res.text() };
}
const seedPath = '/bai-viet/' + SEED_SLUG;
for (let i = 0; i < payloads.length && !overtime(); i++) {
  const p = payloads[i];
  const r = await anonComment(seedPath, p.slice(0, 80), `${p}\nÝ kiến số ${i}: ${p}`);
  if (r.status !== 303) { refused++; await render(viewer, seedPath + '/binh-luan', `comment refused (#${i}, ${r.status})`, r.body); }
}
const mod = await newPage(browser, DESKTOP, { bypassCSP: true });
await mod.addInitScript(HOOK);
mod.dialogs = [];
mod.on('dialog', async (d) => { mod.dialogs.push(d.type() + ':' + d.message()); await d.dismiss().catch(() => {}); });
await signIn(mod, srv.base, MODERATOR);
for (let pg = 1; pg <= 6; pg++) await render(mod, `/quan-tri/binh-luan?trang=${pg}`, `moderation queue page ${pg}`);
// Approve everything in bulk (all pages), reply to one with a payload.
for (let round = 0; round < 10 && !overtime(); round++) {
  await mod.goto(srv.base + '/quan-tri/binh-luan?trang-thai=pending');
  const ids = await mod.locator('input[type=checkbox][name="id"]').evaluateAll((cs) => cs.map((c) => c.value));
  if (!ids.length) break;
  const modCsrf = await mod.locator('input[name="csrf"]').first().inputValue({ timeout: 3000 });
  const form = new URLSearchParams({ csrf: modCsrf, trang_thai: 'pending', hanh_dong: 'approved' });
  for (const id of ids) form.append('id', id);
  await mod.context().request.post(srv.base + '/quan-tri/binh-luan/xu-ly', {
    data: form.toString(), headers: { Origin: srv.base, 'Content-Type': 'application/x-www-form-urlencoded' }, maxRedirects: 0,
  });
}
await mod.goto(srv.base + '/quan-tri/binh-luan?trang-thai=approved');
const replyAction = await mod.locator('form[action$="/tra-loi"]').first().getAttribute('action', { timeout: 3000 }).catch(() => null);
if (replyAction) {
  const modCsrf = await mod.locator('input[name="csrf"]').first().inputValue();
  for (let i = 0; i < payloads.length && !overtime(); i += 7) {
    submissions++;
    await mod.context().request.post(srv.base + replyAction, {
      form: { csrf: modCsrf, trang_thai: 'approved', noi_dung: payloads[i] }, headers: { Origin: srv.base }, maxRedirects: 0,
    });
  }
}
await render(mod, '/quan-tri/binh-luan?trang-thai=approved', 'moderation queue, approved');
await render(viewer, seedPath, 'article with approved comments and replies');
for (let pg = 2; pg <= 4; pg++) await render(viewer, `${seedPath}?trang=${pg}`, `article comments page ${pg}`);

// ---- 4. search query (reflected) -------------------------------------------
for (let i = 0; i < payloads.length && !overtime(); i++) {
  await render(viewer, '/tim-kiem?q=' + encodeURIComponent(payloads[i]), `search (#${i})`);
  await render(viewer, '/tim-kiem?q=hdx&trang=' + encodeURIComponent(payloads[i]), `search page parameter (#${i})`);
}
// ---- 5. other reflected places: paths, query parameters of listings -------
for (let i = 0; i < payloads.length && !overtime(); i += 3) {
  const e = encodeURIComponent(payloads[i]);
  await render(viewer, '/bai-viet/' + e, `unknown article path (#${i})`);
  await render(viewer, '/van-ban?trang=' + e, `documents page parameter (#${i})`);
  await render(viewer, '/quan-tri/dang-nhap?tiep=' + e, `sign-in target (#${i})`);
  await render(ctxAdmin, '/quan-tri/bai-viet?q=' + e + '&trang-thai=' + e, `admin article filter (#${i})`);
}

await browser.close();
await srv.stop();
const secs = Math.round((Date.now() - t0) / 1000);
for (const f of findings) console.log('FINDING ' + JSON.stringify(f));
console.log(`xss: ${payloads.length} payloads, ${submissions} submissions (${refused} refused with a message), ` +
  `${pagesRendered} pages rendered in Chromium (CSP bypassed; ${pagesShowing} show payload text escaped), ` +
  `detector self-test passed, ${findings.length} findings, ${secs} s` +
  (overtime() ? ' (time limit reached: partial)' : ''));
process.exit(findings.length ? 1 : 0);
