// Drives Debian's headless Chromium over the DevTools protocol (a pipe, no npm
// package) against ptrd's status page, and checks what a person would see:
//   node browser_check.mjs live URL [--screenshot FILE]   the daemon's page (URL = http://127.0.0.1:PORT/)
//   node browser_check.mjs file PATH [--screenshot FILE]  a `ptrd plan -o html` file
//   --expect-text TEXT   a string that must show in the table as text (e.g. a hostile PTR)
//   --filter TEXT        filter text that must narrow the table to rows containing it
// Checks: no console error, no uncaught exception, no dialog (alert) and no CSP
// violation; the counts on the page equal ptrd_records on /metrics (live); the
// filter narrows the table; TEXT shows as text, and the page's only script is its own.
// Prints one line per failed check, exits 1 if any failed. CHROMIUM overrides the binary.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, target, ...rest] = process.argv.slice(2);
const opt = (name) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : undefined; };
if (!['live', 'file'].includes(mode) || !target) {
  console.error('usage: node browser_check.mjs live|file URL|PATH [--screenshot FILE] [--expect-text T] [--filter T]');
  process.exit(2);
}
const failures = [];
const expect = (cond, msg) => { if (!cond) failures.push(msg); return !!cond; };
const deadline = Date.now() + 60000;

// --- Chromium, loopback only: every host name but 127.0.0.1 fails to resolve, and
// anything that would still leave goes to a dead proxy on loopback.
const profile = mkdtempSync(path.join(tmpdir(), 'ptrd-chromium-'));
const chrome = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe',
  `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--disable-domain-reliability',
  '--no-pings', '--metrics-recording-only', '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--proxy-server=http://127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--window-size=1280,900', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });  // its own process group
let chromeLog = '';
chrome.stderr.on('data', (d) => { chromeLog = (chromeLog + d).slice(-4000); });
const toChrome = chrome.stdio[3];
const fromChrome = chrome.stdio[4];

let nextId = 1;
const pending = new Map();
const listeners = [];
let buffer = Buffer.alloc(0);
fromChrome.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (let end = buffer.indexOf(0); end >= 0; end = buffer.indexOf(0)) {
    const msg = JSON.parse(buffer.subarray(0, end).toString('utf8'));
    buffer = buffer.subarray(end + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  toChrome.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
async function until(what, fn) {
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

const problems = [];
listeners.push((m) => {
  if (m.method === 'Runtime.consoleAPICalled' && ['error', 'warning', 'assert'].includes(m.params.type))
    problems.push(`console.${m.params.type}: ${m.params.args.map((a) => a.value ?? a.description).join(' ')}`);
  if (m.method === 'Runtime.exceptionThrown')
    problems.push('uncaught: ' + (m.params.exceptionDetails.exception?.description || m.params.exceptionDetails.text));
  if (m.method === 'Log.entryAdded' && ['error', 'warning'].includes(m.params.entry.level))
    problems.push(`log ${m.params.entry.level} (${m.params.entry.source}): ${m.params.entry.text}`);
  if (m.method === 'Page.javascriptDialogOpening') problems.push('a dialog opened: ' + m.params.message);
});

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const s = (method, params) => send(method, params, sessionId);
  const js = async (expression) => {
    const r = await s('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error('evaluate: ' + r.exceptionDetails.text);
    return r.result.value;
  };
  await s('Runtime.enable'); await s('Log.enable'); await s('Page.enable');
  await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
  const url = mode === 'live' ? target : pathToFileURL(path.resolve(target)).href;
  await s('Page.navigate', { url });
  // 0 while the page is still being replaced (its context may not exist yet).
  const loads = async () => Number(await js('document.documentElement.dataset.loads || 0').catch(() => 0));
  await until('the first rows', async () => (await loads()) >= 1);

  // The counts, as the page shows them, against /metrics.
  const shown = await js(`Object.fromEntries([...document.querySelectorAll('[id^=count-]')]
    .map((e) => [e.id.slice(6), Number(e.textContent.replace(/,/g, ''))]))`);
  expect(Object.keys(shown).length === 8, 'the page shows 8 state counts, got ' + JSON.stringify(shown));
  if (mode === 'live') {
    const metrics = await (await fetch(new URL('/metrics', target))).text();
    for (const [state, n] of Object.entries(shown)) {
      const m = metrics.match(new RegExp(`^ptrd_records\\{state="${state}"\\} (\\S+)$`, 'm'));
      expect(m && Number(m[1]) === n, `count ${state}: page ${n}, /metrics ${m && m[1]}`);
    }
  }
  const rowCount = () => js(`document.querySelectorAll('#rows-body tr:not(.group)').length`);
  const before = await rowCount();
  const notInSync = Object.entries(shown).filter(([k]) => k !== 'in_sync').reduce((a, [, n]) => a + n, 0);
  expect(before === Math.min(notInSync, 50), `the table lists ${before} rows, the counts say ${notInSync} not in sync`);

  const hostile = opt('--expect-text');
  if (hostile) {
    const cells = await js(`[...document.querySelectorAll('#rows-body td')].map((td) => td.textContent)`);
    expect(cells.some((c) => c.includes(hostile)), `"${hostile}" is not shown as text in the table`);
    const scripts = await js(`[...document.scripts].map((s) => s.type || 'js')`);
    const code = scripts.filter((t) => t === 'js');
    expect(code.length === 1, 'the page runs exactly one script, its own: ' + JSON.stringify(scripts));
    expect(await js(`document.querySelectorAll('#rows-body script, #rows-body img, #rows-body iframe').length`) === 0,
      'markup from data became elements in the table');
  }
  const filter = opt('--filter');
  if (filter) {
    const n = await loads();
    await s('Runtime.evaluate', { expression: `document.getElementById('q').focus()` });
    await s('Input.insertText', { text: filter });
    await until('the filtered rows', async () => (await loads()) > n);
    const after = await rowCount();
    const texts = await js(`[...document.querySelectorAll('#rows-body tr:not(.group)')].map((tr) => tr.textContent.toLowerCase())`);
    expect(after >= 1 && after < before, `the filter "${filter}" did not narrow the table (${before} -> ${after})`);
    expect(texts.every((t) => t.includes(filter.toLowerCase())), `a row without "${filter}" survived the filter`);
    // Clear it again for the screenshot.
    const m = await loads();
    await js(`(() => { const q = document.getElementById('q'); q.value = '';
      q.dispatchEvent(new Event('input')); })()`);
    await until('the rows back', async () => (await loads()) > m);
  }
  const shot = opt('--screenshot');
  if (shot) {
    const height = await js('Math.ceil(document.documentElement.scrollHeight)');
    await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: Math.min(height, 2000), deviceScaleFactor: 1, mobile: false });
    const { data } = await s('Page.captureScreenshot', { format: 'png' });
    writeFileSync(shot, Buffer.from(data, 'base64'));
  }
  await new Promise((r) => setTimeout(r, 300));  // late console messages
  for (const p of problems) failures.push(p);
}

let code = 0;
try {
  await main();
} catch (e) {
  failures.push(String(e.stack || e));
  if (chromeLog) failures.push('chromium said: ' + chromeLog);
}
for (const f of failures) console.log('  FAIL ' + f);
code = failures.length ? 1 : 0;
if (!code) console.log('browser_check: ' + mode + ' page ok');
// Close the browser, then end its whole process group (renderers, zygote), which
// this script started; only then is the profile directory left alone.
const exited = new Promise((r) => chrome.once('exit', r));
send('Browser.close').catch(() => {});
await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
try { process.kill(-chrome.pid, 'SIGKILL'); } catch { /* already gone */ }
try {
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
} catch (e) {
  console.log('browser_check: could not remove ' + profile + ': ' + e.code);
}
process.exit(code);
