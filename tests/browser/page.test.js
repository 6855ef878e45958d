/*
 * page.test.js - the page at / in headless Chromium (Debian's chromium,
 * driven by playwright-core), against a real `hashpivot serve --port 0`.
 *
 * Usage: node tests/browser/page.test.js BINARY OUTDIR
 *   BINARY  the hashpivot to serve (build/hashpivot)
 *   OUTDIR  where the screenshots and the server's log go (build/test-out)
 * Environment: CHROMIUM (default /usr/bin/chromium).
 *
 * Each check prints "ok NAME" or "FAIL NAME: why"; the last line is
 * "browser: N passed, N failed" for tests/run.sh. Console errors and
 * uncaught page errors are collected over the whole session and are a
 * failure of their own; the only ones allowed are Chromium's own "Failed
 * to load resource" lines for the 400s the bad-input checks provoke on
 * purpose (Chromium logs every 4xx answer so; the page cannot stop it).
 */
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const bin = process.argv[2];
const outdir = process.argv[3];
const chromium_path = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 20000;

let passed = 0;
let failed = 0;

function assert(cond, msg) {
	if (!cond)
		throw new Error(msg);
}

async function check(name, fn) {
	try {
		await fn();
		passed++;
		console.log('ok ' + name);
	} catch (e) {
		failed++;
		console.log('FAIL ' + name + ': ' + String(e.message || e).split('\n')[0]);
	}
}

/* Start the server on a free port; resolve with its base URL once it says where it listens. */
function start_server(log) {
	return new Promise(function (resolve, reject) {
		const srv = spawn(bin, ['serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
		let buf = '';
		let listening = false;
		const timer = setTimeout(() => reject(new Error('no "listening on" line within 10 s')), 10000);
		const early = function (code) {
			clearTimeout(timer);
			reject(new Error('the server exited with status ' + code + ' before listening'));
		};
		srv.on('error', reject);
		srv.on('exit', early);
		srv.stderr.on('data', function (d) {
			log.write(d);
			if (listening)
				return;
			buf += d.toString();
			const m = /hashpivot serve: listening on (http:\/\/[^\s]+\/)/.exec(buf);
			if (m) {
				listening = true;
				clearTimeout(timer);
				srv.off('exit', early);
				resolve({ srv: srv, url: m[1] });
			}
		});
	});
}

function stop_server(srv) {
	return new Promise(function (resolve) {
		if (srv.exitCode !== null)
			return resolve(srv.exitCode);
		const timer = setTimeout(() => srv.kill('SIGKILL'), 5000);
		srv.on('exit', function (code, sig) {
			clearTimeout(timer);
			resolve(sig || code);
		});
		srv.kill('SIGTERM');
	});
}

async function get_json(url) {
	const res = await fetch(url);
	return { status: res.status, body: await res.json() };
}

/* The CLI's --json for the same inputs: the page must show these very numbers. */
function cli_json(args) {
	return JSON.parse(execFileSync(bin, args.concat(['--json']), { encoding: 'utf8' }));
}

const value_of = (page, sel) => page.$eval(sel, e => e.dataset.value);
const text_of = (page, sel) => page.$eval(sel, e => e.textContent);

function state_is(page, panel, states) {
	return page.waitForFunction(function (a) {
		const s = document.getElementById(a.panel).dataset.state;
		return a.states.indexOf(s) >= 0;
	}, { panel: panel, states: states }, { timeout: WAIT_MS });
}

/* Count the painted pixels of the canvas in a chart's container (alpha > 0). */
function painted(page, sel) {
	return page.$eval(sel + ' canvas', function (c) {
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 3; i < d.length; i += 4)
			if (d[i] !== 0)
				n++;
		return n;
	});
}

async function column(page, col) {
	return page.$$eval('#breakeven-table tbody tr', function (rows, c) {
		const i = Array.from(document.querySelectorAll('#breakeven-table th[data-col]'))
			.findIndex(th => th.dataset.col === c);
		return rows.map(r => r.children[i].dataset.value);
	}, col);
}

function is_sorted(values, dir, numeric) {
	const present = values.filter(v => v !== '');
	const nulls_last = values.slice(present.length).every(v => v === '');
	for (let i = 1; i < present.length; i++) {
		const a = numeric ? Number(present[i - 1]) : present[i - 1];
		const b = numeric ? Number(present[i]) : present[i];
		const c = numeric ? a - b : a.localeCompare(b);
		if (dir * c > 0)
			return false;
	}
	return nulls_last;
}

async function main() {
	fs.mkdirSync(outdir, { recursive: true });
	const log = fs.createWriteStream(path.join(outdir, 'serve.log'));
	const { srv, url } = await start_server(log);
	const browser = await chromium.launch({
		executablePath: chromium_path,
		args: ['--no-sandbox', '--headless=new']
	});
	const errors = [];
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
		page.on('pageerror', e => errors.push('pageerror: ' + e.message));
		const requests = [];
		page.on('request', r => requests.push(r.url()));
		const refused = [];
		page.on('response', r => { if (r.status() >= 400) refused.push(r.status() + ' ' + r.url()); });

		await check('the page loads and every quick panel fills in', async function () {
			await page.goto(url, { waitUntil: 'load' });
			for (const p of ['network', 'hashprice', 'breakeven', 'fleet'])
				await state_is(page, p, ['done']);
			const title = await page.title();
			assert(title === 'hashpivot', 'title ' + title);
			assert(errors.length === 0, errors.length + ' console errors: ' + errors.join(' | '));
			assert(refused.length === 0, 'refused: ' + refused.join(' | '));
		});

		await check('the network panel shows the CLI network figures', async function () {
			const n = cli_json(['network']);
			const d = await value_of(page, '#network-out dd[data-key="difficulty"]');
			assert(Number(d) === n.difficulty, 'difficulty ' + d + ', CLI ' + n.difficulty);
			const r = await value_of(page, '#network-out dd[data-key="next_retarget"]');
			assert(Number(r) === n.next_retarget_height, 'next retarget ' + r);
			const h = await value_of(page, '#network-out dd[data-key="next_halving"]');
			assert(Number(h) === 1050000, 'next halving ' + h);
		});

		await check('the hashprice calculator updates when the price changes', async function () {
			const sel = '#hashprice-out dd[data-key="usd_per_ph_day"]';
			const before = await value_of(page, sel);
			await page.fill('#hashprice-price_usd', '65432.1');
			await page.waitForFunction(a => document.querySelector(a.sel).dataset.value !== a.before,
				{ sel: sel, before: before }, { timeout: WAIT_MS });
			await state_is(page, 'hashprice', ['done']);
			const after = await value_of(page, sel);
			assert(after !== before, 'unchanged ' + after);
			const f = n => page.$eval('#hashprice-' + n, e => e.value);
			const args = ['hashprice', '--bits', await f('bits'), '--height', await f('height'),
				'--fees-btc', await f('fees_btc'), '--price-usd', '65432.1', '--pool-fee-pct', await f('pool_fee_pct')];
			const cli = cli_json(args);
			assert(Number(after) === cli.usd_per_ph_day, 'page ' + after + ', CLI ' + cli.usd_per_ph_day);
			const q = new URLSearchParams({ bits: await f('bits'), height: await f('height'),
				fees_btc: await f('fees_btc'), price_usd: '65432.1', pool_fee_pct: await f('pool_fee_pct') });
			const api = await get_json(url + 'api/v1/hashprice?' + q);
			assert(api.status === 200 && Number(after) === api.body.usd_per_ph_day,
				'page ' + after + ', API ' + JSON.stringify(api.body.usd_per_ph_day));
			/* proportional to the price: before/after = old price/new price */
			const sats = await value_of(page, '#hashprice-out dd[data-key="sats_per_th_day"]');
			assert(Number(sats) === cli.sats_per_th_day, 'sats ' + sats);
		});

		await check('the break-even table sorts by its column headings', async function () {
			await state_is(page, 'breakeven', ['done']);
			const n = await page.$$eval('#breakeven-table tbody tr', r => r.length);
			const count = cli_json(['machines']).count;
			assert(n === count, n + ' rows, ' + count + ' machines');
			let s = await column(page, 'shutdown_price_usd');
			assert(is_sorted(s, 1, true), 'default not by shutdown price ascending');
			await page.click('#breakeven-table th[data-col="profit_usd_day"] button');
			s = await column(page, 'profit_usd_day');
			assert(is_sorted(s, -1, true), 'profit not descending after one click');
			assert(Number(s[0]) > Number(s[s.length - 1]), 'profit column is constant');
			await page.click('#breakeven-table th[data-col="profit_usd_day"] button');
			s = await column(page, 'profit_usd_day');
			assert(is_sorted(s, 1, true), 'profit not ascending after two clicks');
			await page.click('#breakeven-table th[data-col="payback_months"] button');
			s = await column(page, 'payback_months');
			assert(is_sorted(s, 1, true), 'payback not ascending, nulls last');
			const sort = await page.$eval('#breakeven-table th[data-col="payback_months"]', e => e.getAttribute('aria-sort'));
			assert(sort === 'ascending', 'aria-sort ' + sort);
			await page.click('#breakeven-table th[data-col="machine"] button');
			s = await column(page, 'machine');
			assert(is_sorted(s, 1, false), 'names not in order');
		});

		await check("the page's own check stops a negative price before the server", async function () {
			const before = requests.length;
			await page.fill('#hashprice-price_usd', '-5');
			await state_is(page, 'hashprice', ['invalid']);
			await page.waitForTimeout(500);
			const msg = await text_of(page, '#hashprice-price_usd-msg');
			assert(msg === "must be >= 0, got '-5'", 'message "' + msg + '"');
			const sent = requests.slice(before).filter(u => u.indexOf('/api/v1/hashprice') >= 0);
			assert(sent.length === 0, 'sent ' + sent.length + ' requests');
			const inv = await page.$eval('#hashprice-price_usd', e => e.getAttribute('aria-invalid'));
			assert(inv === 'true', 'aria-invalid ' + inv);
		});

		await check("a negative price typed past the page's check shows the server's message", async function () {
			/* take the page's own bounds away, as a script or an old page would */
			await page.$eval('#hashprice-price_usd', function (e) {
				e.removeAttribute('min');
			});
			await page.fill('#hashprice-price_usd', '-7');
			await state_is(page, 'hashprice', ['error']);
			const api = await get_json(url + 'api/v1/hashprice?bits=170240c3&height=953568&fees_btc=0.025&price_usd=-7');
			assert(api.status === 400 && api.body.field === 'price_usd', 'API ' + JSON.stringify(api.body));
			const msg = await text_of(page, '#hashprice-price_usd-msg');
			assert(msg === api.body.error, 'page "' + msg + '", server "' + api.body.error + '"');
			assert(msg === "--price-usd: must be >= 0, got '-7'", 'message ' + msg);
		});

		await check("bits only the server can refuse show its message next to the field", async function () {
			await page.fill('#hashprice-price_usd', '87654.32');
			await state_is(page, 'hashprice', ['done']);
			await page.fill('#hashprice-bits', '1d80ffff');
			await state_is(page, 'hashprice', ['error']);
			const api = await get_json(url + 'api/v1/hashprice?bits=1d80ffff&height=953568&fees_btc=0.025&price_usd=87654.32');
			assert(api.status === 400 && api.body.field === 'bits', 'API ' + JSON.stringify(api.body));
			const msg = await text_of(page, '#hashprice-bits-msg');
			assert(msg === api.body.error, 'page "' + msg + '", server "' + api.body.error + '"');
			const status = await text_of(page, '#hashprice-status');
			assert(status === api.body.error, 'status ' + status);
			await page.fill('#hashprice-bits', '170240c3');
			await state_is(page, 'hashprice', ['done']);
			const cleared = await text_of(page, '#hashprice-bits-msg');
			assert(cleared === '', 'message left: ' + cleared);
		});

		await check('a bad scenario shows its field path from the server', async function () {
			const s = JSON.parse(await page.$eval('#fleet-scenario', e => e.value));
			s.network.price_usd = -1;
			await page.fill('#fleet-scenario', JSON.stringify(s, null, 2));
			await page.click('#fleet-run');
			await state_is(page, 'fleet', ['error']);
			const msg = await text_of(page, '#fleet-status');
			assert(msg === 'network.price_usd: must be > 0, got -1', 'status ' + msg);
			await page.click('#fleet-generate');
			await page.click('#fleet-run');
			await state_is(page, 'fleet', ['done']);
		});

		await check('the fleet panel shows the CLI cost per BTC', async function () {
			const scen = await page.$eval('#fleet-scenario', e => e.value);
			const file = path.join(outdir, 'fleet-scenario.json');
			fs.writeFileSync(file, scen);
			const cli = cli_json(['fleet', '--scenario', file]);
			for (const k of ['cost_per_btc_marginal_usd', 'cost_per_btc_cash_usd', 'cost_per_btc_all_in_usd']) {
				const v = await value_of(page, '#fleet-out dd[data-key="' + k + '"]');
				assert(Number(v) === cli[k], k + ' page ' + v + ', CLI ' + cli[k]);
			}
			assert(cli.cost_per_btc_marginal_usd < cli.cost_per_btc_cash_usd &&
				cli.cost_per_btc_cash_usd < cli.cost_per_btc_all_in_usd, 'costs out of order');
		});

		await check('a small simulation runs to completion with its charts drawn', async function () {
			await page.fill('#simulate-paths', '50');
			await page.fill('#simulate-years', '0.5');
			await page.click('#simulate-run');
			await state_is(page, 'simulate', ['done']);
			const p = await page.$eval('#simulate-progress', e => e.value);
			assert(p === 1, 'progress ' + p);
			const canvases = await page.$$eval('#simulate-charts [data-series]', cs => cs.map(c => c.id));
			assert(canvases.length >= 5, canvases.length + ' charts');
			for (const id of canvases) {
				const drawn = await page.$eval('#' + id, c => c.dataset.drawn);
				assert(drawn === '1', id + ' data-drawn ' + drawn);
				const px = await painted(page, '#' + id);
				assert(px > 1000, id + ' has ' + px + ' painted pixels');
			}
			const rows = await page.$$eval('#simulate-cohorts tbody tr', r => r.length);
			assert(rows > 0, 'no cohort rows');
			const status = await text_of(page, '#simulate-status');
			assert(/50 paths over 18[0-9] days/.test(status), 'status ' + status);
		});

		await check('a long simulation can be cancelled', async function () {
			let job = null;
			const seen = r => {
				if (r.url().indexOf('/api/v1/simulate') >= 0 && r.status() === 202)
					job = r;
			};
			page.on('response', seen);
			await page.fill('#simulate-paths', '18000');
			await page.fill('#simulate-years', '5');
			await page.click('#simulate-run');
			await page.waitForFunction(() => !document.getElementById('simulate-cancel').disabled, null, { timeout: WAIT_MS });
			await page.click('#simulate-cancel');
			await state_is(page, 'simulate', ['cancelled']);
			page.off('response', seen);
			assert(job, 'no 202 for the POST');
			const id = (await job.json()).job;
			const st = await get_json(url + 'api/v1/jobs/' + id);
			assert(st.status === 404 || st.body.status === 'cancelled', 'job ' + JSON.stringify(st.body));
			await page.waitForTimeout(300);
			const s = await page.$eval('#simulate', e => e.dataset.state);
			assert(s === 'cancelled', 'state ' + s);
		});

		await check("a bad simulation scenario shows the server's field path next to it", async function () {
			await page.fill('#simulate-paths', '50');
			await page.fill('#simulate-years', '0.5');
			await page.click('#simulate summary');
			await page.fill('#simulate-scenario', JSON.stringify({
				as_of: '2026-03-01',
				network: { bits: '170240c3', height: 953568, fees_btc_per_block: 0.025, price_usd: 65771 },
				industry: { cohorts: [] }
			}));
			await page.click('#simulate summary');	/* closed again: the error must reopen it */
			await page.click('#simulate-run');
			await state_is(page, 'simulate', ['error']);
			const msg = await text_of(page, '#simulate-scenario-msg');
			assert(msg === 'industry.cohorts: must have at least one cohort, got []', 'message ' + msg);
			const open = await page.$eval('#simulate details', d => d.open);
			assert(open, 'the scenario box stayed closed');
			await page.fill('#simulate-scenario', '');
		});

		await check('the pivot comparison runs and charts NPV per strategy', async function () {
			await page.fill('#pivot-paths', '100');
			await page.click('#pivot-run');
			await state_is(page, 'pivot', ['done']);
			const rows = await page.$$eval('#pivot-table tbody tr', r => r.length);
			assert(rows === 3, rows + ' strategies');
			const drawn = await page.$eval('#pivot-chart', c => c.dataset.drawn);
			assert(drawn === '1', 'data-drawn ' + drawn);
			assert(await painted(page, '#pivot-chart') > 1000, 'blank NPV chart');
		});

		await check('the treasury runs and charts holdings and cash', async function () {
			await page.fill('#treasury-paths', '100');
			await page.selectOption('#treasury-strategy', 'colocation, 20 MW');
			await page.click('#treasury-run');
			await state_is(page, 'treasury', ['done']);
			for (const id of ['treasury-chart-btc', 'treasury-chart-cash']) {
				const drawn = await page.$eval('#' + id, c => c.dataset.drawn);
				assert(drawn === '1', id + ' data-drawn ' + drawn);
				assert(await painted(page, '#' + id) > 1000, id + ' blank');
			}
			const status = await text_of(page, '#treasury-status');
			assert(status.indexOf('colocation, 20 MW') === 0, 'status ' + status);
		});

		await page.screenshot({ path: path.join(outdir, 'page.png'), fullPage: true });

		await check('a narrow screen needs no sideways scrolling', async function () {
			await page.setViewportSize({ width: 390, height: 844 });
			await page.waitForTimeout(300);
			const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
			assert(w[0] <= w[1], 'page ' + w[0] + ' px wide in ' + w[1]);
			await page.screenshot({ path: path.join(outdir, 'page-narrow.png'), fullPage: true });
		});

		await check('no console errors or page errors', async function () {
			const expected = [/\/api\/v1\/hashprice\?.*price_usd=-7/, /\/api\/v1\/hashprice\?bits=1d80ffff/, /\/api\/v1\/fleet$/,
				/\/api\/v1\/simulate\?paths=50&/];
			const unexpected = refused.filter(r => !(r.startsWith('400 ') && expected.some(e => e.test(r))));
			assert(unexpected.length === 0, 'refused: ' + unexpected.join(' | '));
			const load = /^console: Failed to load resource: the server responded with a status of 400/;
			const other = errors.filter(e => !load.test(e));
			assert(other.length === 0, other.length + ': ' + other.join(' | '));
			const n = errors.length - other.length;
			assert(n === refused.length, n + ' "Failed to load" lines for ' + refused.length + ' refusals');
		});
	} finally {
		await browser.close();
		const how = await stop_server(srv);
		log.end();
		if (how !== 0)
			console.log('note: the server ended with ' + how);
	}
}

const guard = setTimeout(function () {
	console.log('FAIL the browser tests took over 120 s');
	console.log('browser: ' + passed + ' passed, ' + (failed + 1) + ' failed');
	process.exit(1);
}, 120000);

main().then(function () {
	clearTimeout(guard);
	console.log('browser: ' + passed + ' passed, ' + failed + ' failed');
	process.exit(failed ? 1 : 0);
}, function (e) {
	clearTimeout(guard);
	console.log('FAIL ' + (e.message || e));
	console.log('browser: ' + passed + ' passed, ' + (failed + 1) + ' failed');
	process.exit(1);
});
