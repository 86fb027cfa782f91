// screens.mjs - screenshots of the main pages at phone (360x740) and
// desktop (1280x900) widths into build/e2e-artifacts/, for people to look
// at; each page must answer 200, fit the viewport's width (no sideways
// scrolling on a phone) and raise no script error.
import {
  startServer, launchBrowser, newPage, signIn, shot, hasRoute, assert, test, done,
  PHONE, DESKTOP, SEED_SLUG, ADMIN,
} from './lib/harness.mjs';

const srv = await startServer();
const browser = await launchBrowser();
const pub = [
  ['home', '/'],
  ['article', '/bai-viet/' + SEED_SLUG],
  ['article-print', '/bai-viet/' + SEED_SLUG + '/in'],
  ['documents', '/van-ban'],
  ['category', null],
  ['not-found', '/khong-co-trang-nay'],
];
if (hasRoute('GET', '/tim-kiem')) pub.push(['search', '/tim-kiem?q=' + encodeURIComponent('hoi dong nhan dan')]);

test('find a category and a poll results page', async () => {
  const p = await newPage(browser, DESKTOP);
  await p.goto(srv.base + '/');
  pub.find((x) => x[0] === 'category')[1] = await p.locator('a[href^="/chuyen-muc/"]').first().getAttribute('href');
  const poll = p.locator('a[href^="/binh-chon/"]').first();
  if (await poll.count()) pub.push(['poll-results', await poll.getAttribute('href')]);
  await p.context().close();
});

for (const vp of [PHONE, DESKTOP]) {
  const tag = vp === PHONE ? 'phone' : 'desktop';
  test(`public pages at ${vp.width}x${vp.height}`, async (t) => {
    const page = await newPage(browser, vp);
    t.page = page;
    for (const [name, url] of pub) {
      const res = await page.goto(srv.base + url);
      assert(res.status() === (name === 'not-found' ? 404 : 200), `${name}: status ${res.status()}`);
      const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert(w[0] <= w[1] + 1, `${name}: wider than the viewport (${w[0]} > ${w[1]})`);
      await shot(page, `${tag}-${name}`);
    }
    assert(page.errors.length === 0, 'script errors: ' + page.errors.join('; '));
    await page.context().close();
  });
  test(`admin pages at ${vp.width}x${vp.height}`, async (t) => {
    const page = await newPage(browser, vp);
    t.page = page;
    await page.goto(srv.base + '/quan-tri/dang-nhap');
    await shot(page, `${tag}-admin-sign-in`);
    await signIn(page, srv.base, ADMIN);
    const admin = [['admin-home', '/quan-tri'], ['admin-articles', '/quan-tri/bai-viet'],
                   ['admin-article-new', '/quan-tri/bai-viet/moi'], ['admin-categories', '/quan-tri/chuyen-muc'],
                   ['admin-users', '/quan-tri/nguoi-dung'], ['admin-audit', '/quan-tri/nhat-ky']];
    if (hasRoute('GET', '/quan-tri/binh-luan')) admin.push(['admin-comments', '/quan-tri/binh-luan']);
    for (const [name, url] of admin) {
      const res = await page.goto(srv.base + url);
      assert(res.status() === 200, `${name}: status ${res.status()}`);
      await shot(page, `${tag}-${name}`);
    }
    await page.context().close();
  });
}

await done('screens', async () => { await browser.close(); await srv.stop(); });
