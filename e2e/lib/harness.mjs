// harness.mjs - what every browser test file shares: a throw-away hoidong
// server (test mode, loopback, demo content, an editor and a moderator),
// Debian's Chromium driven by playwright-core, a tiny sequential test
// runner that prints "ok"/"not ok" lines and a final
// "<file>: N passed, M failed" line, and artifact paths (screenshots go to
// build/e2e-artifacts/, which is inside the gitignored build directory).
//
// Nothing here downloads a browser: the executable is /usr/bin/chromium
// (or $CHROMIUM), started with the flags this machine's closed network
// needs (no background networking, no component updates, no QUIC).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.HOIDONG_BIN || path.join(ROOT, 'build', 'hoidong');
export const ARTIFACTS = process.env.E2E_ARTIFACTS || path.join(ROOT, 'build', 'e2e-artifacts');
export const ADMIN = { user: 'admin', password: 'Quản-trị-thử-nghiệm-2026' };
export const EDITOR = { user: 'bientap', password: 'Biên-tập-viên-thử-2026' };
export const MODERATOR = { user: 'kiemduyet', password: 'Kiểm-duyệt-viên-thử-2026' };
export const SEED_SLUG =
  'de-an-nang-cao-nang-luc-hieu-luc-hieu-qua-hoat-dong-cua-hdnd-cac-cap-thanh-pho-ha-noi-giai-doan-2021-2026';
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

fs.mkdirSync(ARTIFACTS, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(dir, args, env = {}) {
  const r = spawnSync(BIN, ['--db', path.join(dir, 'hoidong.db'), '--files', path.join(dir, 'files'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  if (r.status !== 0) throw new Error(`hoidong ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

// Start a fresh server: init (admin), demo content, an editor and a
// moderator; serve on a free loopback port in test mode.  Returns
// {base, dir, stop(), cmd(args)}.
export async function startServer({ demo = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hde2e-'));
  run(dir, ['init'], { HOIDONG_ADMIN_PASSWORD: ADMIN.password });
  if (demo) run(dir, ['demo']);
  run(dir, ['user', 'add', EDITOR.user, 'editor', 'Biên tập viên'], { HOIDONG_PASSWORD: EDITOR.password });
  run(dir, ['user', 'add', MODERATOR.user, 'moderator', 'Kiểm duyệt viên'], { HOIDONG_PASSWORD: MODERATOR.password });
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const child = spawn(
    BIN,
    ['--db', path.join(dir, 'hoidong.db'), '--files', path.join(dir, 'files'), 'serve',
     '--listen', '127.0.0.1', '--port', String(port)],
    { env: { ...process.env, HOIDONG_TEST_MODE: '1', HOIDONG_THREADS: process.env.HOIDONG_THREADS || '2' },
      stdio: ['ignore', log, log] },
  );
  // Never leave the server behind, even when the test process dies.
  const killChild = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    if (!process.env.HOIDONG_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killChild);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { killChild(); process.exit(130); });
  process.on('uncaughtException', (e) => { console.log('# uncaught: ' + (e && e.stack || e)); killChild(); process.exit(1); });
  process.on('unhandledRejection', (e) => { console.log('# unhandled: ' + (e && e.stack || e)); killChild(); process.exit(1); });
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    try {
      const res = await fetch(base + '/healthz');
      if (res.status === 200) { up = true; break; }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error('server did not start: ' + fs.readFileSync(path.join(dir, 'server.log'), 'utf8'));
  }
  return {
    base, dir,
    cmd: (args, env) => run(dir, args, env),
    stop: async () => {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(t);
      }
      if (!process.env.HOIDONG_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
      else console.log(`# kept ${dir}`);
    },
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60000,
  });
}

// A new context (own cookies) with a phone or desktop viewport.
export async function newPage(browser, viewport = PHONE, opts = {}) {
  const ctx = await browser.newContext({
    viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true,
    isMobile: viewport.width < 600, hasTouch: viewport.width < 600, ...opts,
  });
  ctx.setDefaultTimeout(15000);
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });
}

// Sign in through the form (typing, as a person would).
export async function signIn(page, base, who) {
  await page.goto(base + '/quan-tri/dang-nhap');
  await page.fill('#username', who.user);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForNavigation(), page.click('form.login-form button[type=submit]')]);
  if (new URL(page.url()).pathname.startsWith('/quan-tri/dang-nhap'))
    throw new Error('sign-in failed for ' + who.user + ': ' + (await page.textContent('body')).slice(0, 300));
}

// Routes the server knows, from the route table's source: lets a test file
// skip a flow whose pages do not exist yet (reported as "skip", never as a pass).
const routeSrc = fs.readFileSync(path.join(ROOT, 'src', 'http_routes.c'), 'utf8');
export function hasRoute(method, pattern) {
  const re = new RegExp(`\\{\\s*"${method}"\\s*,\\s*"${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  return re.test(routeSrc);
}

export function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

// Sequential runner.  test(name, fn) queues; done() runs them in order and
// prints the summary line; a failing test saves a screenshot of its page
// (when it set t.page) and the rest go on.
const queue = [];
export function test(name, fn, { skip = null } = {}) { queue.push({ name, fn, skip }); }

export async function done(file, teardown) {
  let passed = 0, failed = 0, skipped = 0;
  for (const t of queue) {
    if (t.skip) { console.log(`skip - ${t.name} (${t.skip})`); skipped++; continue; }
    const ctx = { page: null };
    const t0 = Date.now();
    try {
      await t.fn(ctx);
      passed++;
      console.log(`ok - ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${t.name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
      if (ctx.page) {
        try { await shot(ctx.page, 'FAILED-' + file + '-' + t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)); } catch { /* page gone */ }
      }
    }
  }
  try { if (teardown) await teardown(); } catch (e) { console.log('# teardown: ' + e); }
  if (skipped) console.log(`# ${file}: ${skipped} skipped`);
  console.log(`${file}: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
