// Browser tests of the WindFlow console against a real `windflow serve` with the built app.
// Env: APP_URL (server origin), SETUP_TOKEN (from the server log), SHOTS (screenshot folder).
// Drives Debian's Chromium through playwright-core; prints "N passed, N failed".
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.APP_URL ?? 'http://127.0.0.1:8080';
const token = process.env.SETUP_TOKEN;
const shots = process.env.SHOTS ?? 'screenshots';
mkdirSync(shots, { recursive: true });
const PW = 'correct horse battery staple';

const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let passes = 0, failures = 0;
const errors = [];
const page = ctx.pages()[0] ?? await ctx.newPage();
page.setDefaultTimeout(15000);
page.on('pageerror', e => errors.push(String(e)));
page.on('console', m => { if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) errors.push(m.text()); });

async function check(name, fn) {
  try { await fn(); passes++; console.log(`ok - ${name}`); }
  catch (e) { failures++; console.log(`not ok - ${name}: ${e.message.split('\n')[0]}`); await shot(`FAILED-${name.replace(/\W+/g, '-')}`); }
}
async function shot(name) { await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }).catch(() => {}); }
async function nav(label, heading) {
  await page.locator('nav.sidebar a', { hasText: label }).first().click();
  await page.locator('h1', { hasText: heading ?? label }).waitFor();
}
const row = (table, text) => page.locator(`${table} tbody tr`, { hasText: text });

try {
  await check('first run opens the setup page and creates the first admin', async () => {
    assert.ok(token, 'SETUP_TOKEN is set');
    await page.goto(base + '/');
    await page.locator('#setup-token').waitFor();
    await shot('01-setup');
    await page.fill('#setup-token', token);
    await page.fill('#setup-username', 'admin');
    await page.fill('#setup-email', 'admin@example.org');
    await page.fill('#setup-password', PW);
    await page.click('#setup-submit');
    await page.locator('h1', { hasText: 'Organizations' }).waitFor();
    await page.locator('#whoami', { hasText: 'admin' }).waitFor();
  });

  await check('create an organization', async () => {
    await page.fill('#org-name', 'Acme');
    await page.click('#org-create');
    await row('#orgs-table', 'Acme').waitFor();
    await page.waitForFunction(() => document.querySelector('#org-switch').selectedOptions[0]?.textContent === 'Acme');
    await shot('02-organizations');
  });

  await check('create a user and add her as a viewer member', async () => {
    await nav('Users');
    await page.fill('#user-username', 'vera');
    await page.fill('#user-email', 'vera@example.org');
    await page.fill('#user-password', PW);
    await page.click('#user-create');
    await row('#users-table', 'vera').waitFor();
    await shot('03-users');
    await nav('Members');
    await page.fill('#member-username', 'vera');
    await page.selectOption('#member-role', 'viewer');
    await page.click('#member-add');
    await row('#members-table', 'vera').locator('.badge', { hasText: 'viewer' }).waitFor();
    await shot('04-members');
  });

  await check('create a project and an environment', async () => {
    await nav('Projects');
    await page.fill('#project-name', 'shop');
    await page.click('#project-create');
    await row('#projects-table', 'shop').waitFor();
    await shot('05-projects');
    await nav('Environments');
    await page.fill('#env-name', 'prod');
    await page.selectOption('#env-type', 'production');
    await page.click('#env-create');
    await row('#envs-table', 'prod').locator('.badge', { hasText: 'production' }).waitFor();
    await shot('06-environments');
  });

  await check('create a group', async () => {
    await nav('Groups');
    await page.fill('#group-name', 'ops');
    await page.click('#group-create');
    await row('#groups-table', 'ops').waitFor();
    await shot('07-groups');
  });

  await check('create a role from the catalog and bind it', async () => {
    await nav('Roles & bindings');
    await page.fill('#role-name', 'deployer');
    await page.locator('#perm-picker label', { hasText: 'environments:create' }).locator('input').check();
    await page.locator('#perm-picker label', { hasText: 'environments:update' }).locator('input').check();
    await page.click('#role-create');
    await row('#roles-table', 'deployer').locator('code', { hasText: 'environments:create, environments:update' }).waitFor();
    await page.selectOption('#binding-role', { label: 'deployer' });
    await page.selectOption('#binding-subject', { label: 'vera' });
    await page.selectOption('#binding-scope', 'organization');
    await page.click('#binding-create');
    await row('#bindings-table', 'deployer').locator('td', { hasText: 'vera' }).waitFor();
    await shot('08-roles');
  });

  await check('add the local Docker endpoint, start and stop a container, watch its logs live', async () => {
    const sock = process.env.DOCKER_SOCKET;
    assert.ok(sock, 'DOCKER_SOCKET is set (scripts/test.sh starts an engine)');
    await page.selectOption('#env-switch', { label: 'prod' });
    await nav('Endpoints');
    await page.fill('#endpoint-name', 'local');
    await page.fill('#endpoint-socket', sock);
    await page.click('#endpoint-create');
    await row('#endpoints-table', 'local').locator('.badge', { hasText: 'up' }).waitFor();
    await shot('15-endpoints');
    // A container to drive, created through the API with the browser's own session.
    const csrf = (await ctx.cookies()).find(c => c.name === 'wf_csrf').value;
    const eps = await (await page.request.get(base + '/api/v1/containers?all=true')).json();
    assert.deepEqual(eps.errors, []);
    const envId = await page.evaluate(() => localStorage.getItem('wf.env'));
    const list = await (await page.request.get(`${base}/api/v1/environments/${envId}/endpoints`)).json();
    const ep = list.items[0].id;
    const name = 'wf-e2e-' + Date.now();
    const created = await page.request.post(`${base}/api/v1/endpoints/${ep}/containers`, {
      headers: { 'X-CSRF-Token': csrf },
      data: { name, image: 'local/busybox:1', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done'] },
    });
    assert.equal(created.status(), 201);
    const cid = (await created.json()).id;
    await nav('Containers');
    const r = page.locator(`#containers-table tr[data-name="${name}"]`);
    await r.waitFor();
    await r.locator('button.action-start').click();
    await r.locator('.badge', { hasText: 'running' }).waitFor();
    await shot('16-containers');
    await r.locator('a').click();
    await page.locator('#container-summary', { hasText: name }).waitFor();
    await page.locator('#logs', { hasText: 'tick 2' }).waitFor();
    const first = await page.locator('#logs div').count();
    await page.waitForFunction(n => document.querySelectorAll('#logs div').length > n + 2, first);
    await shot('17-container-logs');
    await nav('Containers');
    await r.locator('button.action-stop').click();
    await r.locator('.badge', { hasText: 'exited' }).waitFor({ timeout: 20000 });
    const del = await page.request.delete(`${base}/api/v1/endpoints/${ep}/containers/${cid}?force=true`, { headers: { 'X-CSRF-Token': csrf } });
    assert.equal(del.status(), 204);
  });

  await check('the audit log shows all of it', async () => {
    await nav('Audit log');
    for (const a of ['organization.create', 'user.create', 'member.create', 'project.create', 'environment.create', 'role.create', 'role_binding.create', 'endpoint.create', 'container.start', 'container.stop']) {
      await row('#audit-table', a).first().waitFor();
    }
    await page.fill('#audit-action', 'project.');
    await page.click('#audit-filter');
    await page.waitForFunction(() => [...document.querySelectorAll('#audit-table tbody tr')].every(r => r.textContent.includes('project.')));
    await shot('09-audit');
  });

  await check('my sessions lists this session', async () => {
    await nav('My sessions');
    await row('#sessions-table', 'this session').waitFor();
    await shot('10-sessions');
  });

  await check('dark theme', async () => {
    await page.click('#theme-toggle');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await shot('11-dark-theme');
    // Saved as the user's theme through the API.
    await page.waitForFunction(async () => (await (await fetch('/api/v1/auth/session')).json()).user.theme === 'dark');
    await page.click('#theme-toggle');
    await page.waitForFunction(async () => (await (await fetch('/api/v1/auth/session')).json()).user.theme === 'light');
  });

  await check('log out', async () => {
    await page.click('#logout');
    await page.locator('#login-submit').waitFor();
    const res = await page.request.get(base + '/api/v1/auth/session');
    assert.equal(res.status(), 401);
  });

  await check('a wrong password shows the API error', async () => {
    await page.fill('#login', 'admin');
    await page.fill('#password', 'not the password');
    await page.click('#login-submit');
    await page.locator('#login-error', { hasText: 'invalid login or password' }).waitFor();
    await shot('12-login-error');
  });

  await check('a viewer sees no create or delete buttons', async () => {
    await page.fill('#login', 'vera');
    await page.fill('#password', PW);
    await page.click('#login-submit');
    await page.locator('#whoami', { hasText: 'vera' }).waitFor();
    await nav('Projects');
    await row('#projects-table', 'shop').waitFor();
    assert.equal(await page.locator('#project-create').count(), 0);
    assert.equal(await page.locator('#projects-table button', { hasText: 'Delete' }).count(), 0);
    await nav('Members');
    await row('#members-table', 'admin').waitFor();
    assert.equal(await page.locator('#member-add').count(), 0);
    assert.equal(await page.locator('#members-table button').count(), 0);
    await nav('Roles & bindings');
    await row('#roles-table', 'deployer').waitFor();
    assert.equal(await page.locator('#role-create').count(), 0);
    assert.equal(await page.locator('#roles-table button').count(), 0);
    await shot('13-viewer-roles');
    // The environments:create grant bound above does show that button.
    await nav('Projects');
    await page.locator('#projects-table a', { hasText: 'shop' }).click();
    await page.locator('h1', { hasText: 'Environments' }).waitFor();
    await page.locator('#env-create').waitFor();
    assert.equal(await page.locator('#envs-table button', { hasText: 'Delete' }).count(), 0);
    await shot('14-viewer-environments');
  });

  await check('no page errors', async () => assert.deepEqual(errors, []));
} finally {
  await ctx.close();
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
