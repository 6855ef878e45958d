/*
 * app.js - the hashpivot page: one panel per question, each a client of
 * the JSON API under /api/v1/ (docs/web.md lists the panels and the routes
 * they call).
 *
 * Every form's named inputs are the API's query parameters, spelled as the
 * server spells them (the CLI's long options with '_'), so a request is
 * built from a form without a table of names, and a 400 whose "field" names
 * a parameter lands next to the input of that name. Inputs are checked
 * here first (HTML constraints read by check_field, with messages in the
 * CLI's grammar) and again by the server, whose message wins when the two
 * disagree.
 *
 * Charts are drawn by charts.js (shared with the HTML reports); this file
 * only shapes the API's JSON for it.
 */
'use strict';

(function () {

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

function $(sel, root) { return (root || document).querySelector(sel); }
function $all(sel, root) { return Array.from((root || document).querySelectorAll(sel)); }

function debounce(fn, ms) {
	let t = null;
	return function () {
		clearTimeout(t);
		t = setTimeout(fn, ms);
	};
}

function el(tag, text, attrs) {
	const e = document.createElement(tag);
	if (text != null)
		e.textContent = text;
	for (const k in attrs || {})
		e.setAttribute(k, attrs[k]);
	return e;
}

const DEBOUNCE_MS = 300;
const POLL_MS = 200;

/* ------------------------------------------------------------------ */
/* Number formatting                                                  */
/* ------------------------------------------------------------------ */

/* The API never sends NaN; a figure that does not exist is null. */
function missing(v) { return v === null || v === undefined || (typeof v === 'number' && !isFinite(v)); }

function group(v, digits) {
	return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function fmt_num(v, digits) {
	if (missing(v))
		return '–';
	if (digits === undefined)
		digits = Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 10 ? 2 : Math.abs(v) >= 0.01 ? 4 : 8;
	return group(v, digits);
}

function fmt_usd(v, digits) {
	if (missing(v))
		return '–';
	if (digits === undefined)
		digits = Math.abs(v) >= 1000 ? 0 : 2;
	return (v < 0 ? '−$' : '$') + group(Math.abs(v), digits);
}

function fmt_musd(v) {
	return missing(v) ? '–' : group(v / 1e6, 1);
}

function fmt_pct(v, digits) {
	return missing(v) ? '–' : group(v, digits === undefined ? 2 : digits) + ' %';
}

function fmt_prob(p) {
	return missing(p) ? '–' : group(100 * p, 1) + ' %';
}

function fmt_date(utc) {
	return utc ? utc.slice(0, 10) : '–';
}

/* Put a figure in an element, keeping the exact JSON value for tests and copy. */
function show_figure(dd, value, text) {
	dd.textContent = text;
	dd.dataset.value = missing(value) ? '' : String(value);
}

function fill_figures(dl, json, formats) {
	for (const dd of $all('dd[data-key]', dl)) {
		const key = dd.dataset.key;
		const f = formats[key];
		if (!f)
			continue;
		const v = f.value ? f.value(json) : json[key];
		show_figure(dd, v, f.text(v, json));
	}
}

/* ------------------------------------------------------------------ */
/* The API                                                            */
/* ------------------------------------------------------------------ */

function query(params) {
	const q = new URLSearchParams();
	for (const k in params)
		if (params[k] !== '' && params[k] !== null && params[k] !== undefined)
			q.append(k, params[k]);
	const s = q.toString();
	return s ? '?' + s : '';
}

/*
 * One request. Resolves to {status, body} for any HTTP answer (the body
 * parsed when it is JSON); rejects only when the server cannot be reached,
 * with an Error whose message says so.
 */
async function api(method, path, params, body) {
	const init = { method: method, headers: {} };
	if (body !== undefined) {
		init.body = body;
		init.headers['Content-Type'] = 'application/json';
	}
	let res;
	try {
		res = await fetch('/api/v1/' + path + query(params || {}), init);
	} catch (e) {
		throw new Error('the server cannot be reached (' + e.message + ')');
	}
	const text = await res.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch (e) {
		json = { error: 'the server answered ' + res.status + ' with a body that is not JSON' };
	}
	return { status: res.status, body: json };
}

/* ------------------------------------------------------------------ */
/* Checking inputs                                                    */
/* ------------------------------------------------------------------ */

/* The message slot of an input: the .msg of its .field. */
function msg_of(input) {
	const f = input.closest('.field');
	return f ? $('.msg', f) : null;
}

function set_msg(input, text) {
	const m = msg_of(input);
	if (m) {
		m.textContent = text;
		if (!m.id)
			m.id = (input.id || 'x') + '-msg';
		if (text)
			input.setAttribute('aria-describedby', m.id);
	}
	if (text)
		input.setAttribute('aria-invalid', 'true');
	else
		input.removeAttribute('aria-invalid');
}

/*
 * What is wrong with an input, in the CLI's words ("must be >= 0, got
 * '-5'"), or '' when nothing is. Reads the HTML constraints (required, min,
 * max, step="1", pattern) and the page's own data-gt / data-lt / data-max
 * for the strict and the very large bounds HTML cannot say.
 */
function check_field(input) {
	if (input.disabled || input.type === 'radio' || input.type === 'checkbox')
		return '';
	const raw = input.value.trim();
	if (input.validity && input.validity.badInput)
		return 'not a number';
	if (raw === '')
		return input.required ? 'missing' : '';
	const got = ", got '" + raw + "'";
	if (input.tagName === 'SELECT' || input.tagName === 'TEXTAREA')
		return '';
	if (input.type === 'text') {
		if (input.pattern && !new RegExp('^(?:' + input.pattern + ')$').test(raw))
			return input.name === 'bits' ? 'must be 8 hex digits' + got : 'not valid' + got;
		return '';
	}
	const v = Number(raw);
	if (!isFinite(v))
		return 'not a number' + got;
	if (input.getAttribute('step') === '1' && !Number.isInteger(v))
		return 'must be an integer' + got;
	const min = input.getAttribute('min');
	const max = input.getAttribute('max') || input.dataset.max;
	if (min !== null && v < Number(min))
		return 'must be >= ' + min + got;
	if (input.dataset.gt !== undefined && !(v > Number(input.dataset.gt)))
		return 'must be > ' + input.dataset.gt + got;
	if (input.dataset.lt !== undefined && !(v < Number(input.dataset.lt)))
		return 'must be < ' + input.dataset.lt + got;
	if (max && v > Number(max))
		return 'must be <= ' + max + got;
	return '';
}

/* Check every input of the forms; show each message; true when all pass. */
function check_forms(forms) {
	let ok = true;
	for (const form of forms)
		for (const input of $all('input, select, textarea', form)) {
			const m = check_field(input);
			set_msg(input, m);
			if (m)
				ok = false;
		}
	return ok;
}

/* The query parameters of a form: its enabled named inputs with a value. */
function params_of(form) {
	const p = {};
	for (const input of $all('input[name], select[name]', form)) {
		if (input.disabled || input.type === 'radio')
			continue;
		if (input.type === 'checkbox') {
			if (input.checked)
				p[input.name] = '1';
			continue;
		}
		const v = input.value.trim();
		if (v !== '')
			p[input.name] = v;
	}
	return p;
}

function clear_msgs(forms) {
	for (const form of forms)
		for (const input of $all('input, select, textarea', form))
			set_msg(input, '');
}

/* ------------------------------------------------------------------ */
/* Panels: state, status line, errors                                 */
/* ------------------------------------------------------------------ */

function set_state(panel, state, text) {
	panel.dataset.state = state;
	const s = $('.status', panel);
	if (s && text !== undefined) {
		s.textContent = text;
		s.classList.toggle('error', state === 'error');
	}
}

/* A scenario's top-level keys (docs/scenario.md): fields that are paths, not parameters. */
const SCENARIO_KEYS = ['name', 'as_of', 'network', 'machines', 'company', 'sites', 'market',
	'treasury', 'pivot', 'industry'];

/*
 * A server error {error, field} shown where it belongs: next to the input
 * whose name (a query parameter) or data-field (a scenario path a form
 * generated) is the field; a scenario path no input holds goes next to the
 * panel's scenario textarea; the message is always repeated in the
 * panel's status line.
 */
function show_error(panel, forms, err) {
	const text = (err && err.error) || 'failed';
	const field = err && err.field;
	let target = null;
	if (field)
		for (const form of forms) {
			target = $('[name="' + CSS.escape(field) + '"]', form) ||
				$('[data-field="' + CSS.escape(field) + '"]', form);
			if (target && !target.disabled)
				break;
			target = null;
		}
	if (!target && field && (!/^[a-z_]+$/.test(field) || SCENARIO_KEYS.indexOf(field) >= 0))
		target = $('textarea', panel);
	if (target) {
		set_msg(target, text);
		const d = target.closest('details');
		if (d)
			d.open = true;
	}
	set_state(panel, 'error', text);
}

/* An API answer that is not a success: show it and say so. */
function failed(panel, forms, res, ok_status) {
	if (res.status === ok_status)
		return false;
	const err = res.body && res.body.error ? res.body
		: { error: 'the server answered ' + res.status };
	show_error(panel, forms, err);
	return true;
}

/* Charts are charts.js's (window.HPCharts): fan, bars, ranges, fmt. */
const charts = window.HPCharts;

/* ------------------------------------------------------------------ */
/* Network                                                            */
/* ------------------------------------------------------------------ */

const net = {
	panel: $('#network'),
	form: $('#network-form'),
	out: $('#network-out'),
	seq: 0,
	json: null
};

async function load_network() {
	const forms = [net.form];
	if (!check_forms(forms)) {
		set_state(net.panel, 'invalid', 'Correct the marked inputs.');
		return;
	}
	const seq = ++net.seq;
	const p = params_of(net.form);
	set_state(net.panel, 'loading', 'Loading…');
	try {
		const res = await api('GET', 'network', { height: p.height });
		if (seq !== net.seq)
			return;
		if (failed(net.panel, forms, res, 200))
			return;
		const n = res.body;
		const hp = await api('GET', 'hashprice', {
			bits: n.bits, height: n.height, fees_btc: p.fees_btc, price_usd: p.price_usd
		});
		if (seq !== net.seq)
			return;
		if (failed(net.panel, forms, hp, 200))
			return;
		net.json = n;
		render_network(n, hp.body);
		set_state(net.panel, 'done', 'Epoch ' + n.epoch + ' (from block ' + fmt_num(n.epoch_start_height, 0) +
			'); dates: ' + n.time_basis + '.');
		/* The calculator and the break-even table start from this network. */
		copy_network_to_calculator(n, p);
	} catch (e) {
		if (seq === net.seq)
			set_state(net.panel, 'error', e.message);
	}
}

function render_network(n, hp) {
	const all = Object.assign({}, n, { usd_per_ph_day: hp.usd_per_ph_day, sats_per_th_day: hp.sats_per_th_day });
	fill_figures(net.out, all, {
		height: { text: v => fmt_num(v, 0) },
		difficulty: { text: v => fmt_num(v, 0) + ' (bits ' + n.bits + ')' },
		difficulty_change_pct: { text: v => fmt_pct(v) },
		hashrate_ehs: { text: v => fmt_num(v, 1) + ' EH/s' },
		usd_per_ph_day: { text: v => fmt_usd(v, 2) + ' per PH/s per day' },
		sats_per_th_day: { text: v => fmt_num(v, 2) + ' sats per TH/s per day' },
		next_retarget: {
			value: j => j.next_retarget_height,
			text: (v, j) => 'block ' + fmt_num(v, 0) + ', in ' + fmt_num(j.blocks_to_next_retarget, 0) +
				' blocks, about ' + fmt_date(j.next_retarget_estimated_time_utc)
		},
		next_halving: {
			value: j => j.next_halving_height,
			text: (v, j) => 'block ' + fmt_num(v, 0) + ', in ' + fmt_num(j.blocks_to_next_halving, 0) +
				' blocks, about ' + fmt_date(j.next_halving_estimated_time_utc) + '; subsidy then ' +
				fmt_num(j.next_halving_subsidy_sats / 1e8, 5) + ' BTC'
		}
	});
}

/* ------------------------------------------------------------------ */
/* Hashprice calculator                                               */
/* ------------------------------------------------------------------ */

const calc = {
	panel: $('#hashprice'),
	form: $('#hashprice-form'),
	out: $('#hashprice-out'),
	seq: 0
};

function calc_kind() {
	return $('input[name="target_kind"]:checked', calc.form).value;
}

function set_calc_kind(kind) {
	$('input[name="target_kind"][value="' + kind + '"]', calc.form).checked = true;
	for (const f of $all('[data-kind]', calc.form)) {
		const on = f.dataset.kind === kind;
		f.hidden = !on;
		$('input', f).disabled = !on;
		if (!on)
			set_msg($('input', f), '');
	}
}

function copy_network_to_calculator(n, p) {
	const f = calc.form;
	$('[name="bits"]', f).value = n.bits;
	$('[name="difficulty"]', f).value = String(n.difficulty);
	$('[name="height"]', f).value = String(n.height);
	$('[name="fees_btc"]', f).value = p.fees_btc;
	$('[name="price_usd"]', f).value = p.price_usd;
	update_calculator();
}

async function update_calculator() {
	const forms = [calc.form];
	if (!check_forms(forms)) {
		set_state(calc.panel, 'invalid', 'Correct the marked inputs.');
		return;
	}
	const seq = ++calc.seq;
	const p = params_of(calc.form);
	set_state(calc.panel, 'loading', 'Computing…');
	try {
		const res = await api('GET', 'hashprice', p);
		if (seq !== calc.seq)
			return;
		if (failed(calc.panel, forms, res, 200))
			return;
		const h = res.body;
		fill_figures(calc.out, h, {
			usd_per_ph_day: { text: v => fmt_usd(v, 4) },
			usd_per_th_day: { text: v => fmt_usd(v, 6) },
			btc_per_ph_day: { text: v => fmt_num(v, 8) + ' BTC' },
			sats_per_th_day: { text: v => fmt_num(v, 4) + ' sats' },
			network_revenue_usd_day: { text: v => fmt_usd(v, 0) + ' (' + fmt_num(h.network_revenue_btc_day, 2) + ' BTC)' },
			network_hashrate_ehs: { text: v => fmt_num(v, 2) + ' EH/s' }
		});
		set_state(calc.panel, 'done', 'Block reward ' + fmt_num(h.reward_btc_per_block, 8) +
			' BTC (subsidy ' + fmt_num(h.subsidy_sats / 1e8, 8) + ' + fees), difficulty ' + fmt_num(h.difficulty, 0) + '.');
		be.net = p;
		schedule_breakeven();
	} catch (e) {
		if (seq === calc.seq)
			set_state(calc.panel, 'error', e.message);
	}
}

/* ------------------------------------------------------------------ */
/* Break-even table and ladder                                        */
/* ------------------------------------------------------------------ */

const be = {
	panel: $('#breakeven'),
	form: $('#breakeven-form'),
	table: $('#breakeven-table'),
	seq: 0,
	net: null,		/* the network inputs the calculator last computed with */
	rows: [],
	col: 'shutdown_price_usd',
	dir: 1,
	chart: null
};

/* Columns whose natural order is largest first (a first click sorts them so). */
const BE_DESC = { hashrate_ths: 1, breakeven_power_usd_per_kwh: 1, profit_usd_day: 1, revenue_usd_day: 1, roi_pct: 1 };

const BE_FORMAT = {
	machine: v => v,
	efficiency_j_per_th: v => fmt_num(v, 1),
	hashrate_ths: v => fmt_num(v, 0),
	shutdown_price_usd: v => fmt_usd(v, 0),
	breakeven_power_usd_per_kwh: v => fmt_num(v, 4),
	profit_usd_day: v => fmt_usd(v, 2),
	revenue_usd_day: v => fmt_usd(v, 2),
	power_cost_usd_day: v => fmt_usd(v, 2),
	machine_price_usd: v => fmt_usd(v, 0),
	payback_months: v => fmt_num(v, 1),
	roi_pct: v => fmt_num(v, 1)
};

async function update_breakeven() {
	const forms = [be.form, calc.form];
	if (!check_forms([be.form])) {
		set_state(be.panel, 'invalid', 'Correct the marked inputs.');
		return;
	}
	if (!be.net) {
		set_state(be.panel, 'idle', 'Waiting for the hashprice calculator.');
		return;
	}
	const seq = ++be.seq;
	const p = Object.assign({ all: '1' }, be.net, params_of(be.form));
	set_state(be.panel, 'loading', 'Computing…');
	try {
		const res = await api('GET', 'breakeven', p);
		if (seq !== be.seq)
			return;
		if (failed(be.panel, forms, res, 200))
			return;
		be.rows = res.body.machines;
		render_breakeven();
		draw_ladder(res.body.machines, Number(p.price_usd));
		set_state(be.panel, 'done', res.body.count + ' machines at ' + fmt_usd(Number(p.price_usd)) +
			' and ' + p.power_price_usd_per_kwh + ' USD/kWh; a machine below the BTC price pays for its power.');
	} catch (e) {
		if (seq === be.seq)
			set_state(be.panel, 'error', e.message);
	}
}

const schedule_breakeven = debounce(update_breakeven, DEBOUNCE_MS);

/* Sort by the chosen column; nulls (no price known) always last, ties by name. */
function sorted_rows() {
	const col = be.col, dir = be.dir;
	return be.rows.slice().sort(function (a, b) {
		const x = a[col], y = b[col];
		if (missing(x) || missing(y)) {
			if (missing(x) && missing(y))
				return a.machine.localeCompare(b.machine);
			return missing(x) ? 1 : -1;
		}
		const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
		return c !== 0 ? dir * c : a.machine.localeCompare(b.machine);
	});
}

function render_breakeven() {
	const tbody = $('tbody', be.table);
	const cols = $all('th[data-col]', be.table).map(th => th.dataset.col);
	const frag = document.createDocumentFragment();
	for (const r of sorted_rows()) {
		const tr = el('tr');
		for (const c of cols) {
			const td = el(c === 'machine' ? 'th' : 'td', missing(r[c]) ? '–' : BE_FORMAT[c](r[c]));
			if (c === 'machine')
				td.setAttribute('scope', 'row');
			td.dataset.value = missing(r[c]) ? '' : String(r[c]);
			if (typeof r[c] === 'number' && r[c] < 0)
				td.classList.add('neg');
			tr.appendChild(td);
		}
		frag.appendChild(tr);
	}
	tbody.replaceChildren(frag);
	for (const th of $all('th[data-col]', be.table)) {
		const on = th.dataset.col === be.col;
		if (on)
			th.setAttribute('aria-sort', be.dir > 0 ? 'ascending' : 'descending');
		else
			th.removeAttribute('aria-sort');
	}
}

function init_sorting() {
	for (const th of $all('th[data-col]', be.table)) {
		const b = el('button', th.textContent, { type: 'button' });
		th.replaceChildren(b);
		b.addEventListener('click', function () {
			const col = th.dataset.col;
			if (col === be.col)
				be.dir = -be.dir;
			else {
				be.col = col;
				be.dir = BE_DESC[col] ? -1 : 1;
			}
			render_breakeven();
		});
	}
}

/* The shutdown-price ladder: machines above the BTC price (red) lose money on power. */
function draw_ladder(rows, price) {
	const ranked = rows.slice().sort((a, b) => a.shutdown_price_usd - b.shutdown_price_usd);
	charts.bars($('#breakeven-chart'), {
		title: 'Shutdown price: the BTC price below which each machine stops paying for its power',
		labels: ranked.map(r => r.machine),
		values: ranked.map(r => r.shutdown_price_usd),
		name: 'shutdown price',
		colors: ranked.map(r => r.shutdown_price_usd > price ? '#bc4749' : '#1f5fa8'),
		horizontal: true,
		unit: 'usd',
		refLine: { value: price, label: 'BTC price ' + charts.fmt(price, 'usd') }
	});
}

/* ------------------------------------------------------------------ */
/* Fleet                                                              */
/* ------------------------------------------------------------------ */

const fleet = {
	panel: $('#fleet'),
	gen: $('#fleet-gen'),
	form: $('#fleet-form'),
	text: $('#fleet-scenario'),
	machines: {}
};

function network_section() {
	const p = params_of(calc.form);
	const n = {};
	if (p.bits)
		n.bits = p.bits;
	else if (p.difficulty)
		n.difficulty = Number(p.difficulty);
	n.height = Number(p.height || 953568);
	n.fees_btc_per_block = Number(p.fees_btc || 0);
	n.price_usd = Number(p.price_usd || 0);
	return n;
}

/* A one-site scenario from the generator's inputs; the grid is what the fleet draws. */
function generate_fleet() {
	if (!check_forms([fleet.gen])) {
		set_state(fleet.panel, 'invalid', 'Correct the marked inputs.');
		return false;
	}
	const v = id => $('#fleet-' + id).value.trim();
	const name = v('machine');
	const count = Number(v('count'));
	const pue = Number(v('pue') || 1);
	const m = fleet.machines[name.toLowerCase()];
	const power_w = m ? m.power_w : 3500;
	const grid = Math.ceil(count * power_w * pue / 1e4) / 100;
	const line = { machine: name, count: count };
	if (v('uptime'))
		line.uptime_pct = Number(v('uptime'));
	if (v('unit_cost'))
		line.unit_cost_usd = Number(v('unit_cost'));
	const site = { name: 'Site', grid_mw: grid, power_price_usd_per_kwh: Number(v('power_price')), pue: pue };
	if (v('opex'))
		site.opex_usd_per_year = Number(v('opex'));
	site.fleet = [line];
	const company = { pool_fee_pct: Number(params_of(calc.form).pool_fee_pct || 0) };
	if (v('sga'))
		company.sga_usd_per_year = Number(v('sga'));
	const s = {
		name: count + ' × ' + name + ' at ' + v('power_price') + ' USD/kWh',
		network: network_section(),
		company: company,
		sites: [site]
	};
	fleet.text.value = JSON.stringify(s, null, 2);
	fleet.generated = fleet.text.value;
	return true;
}

/* The textarea's JSON, or null with a message next to it. */
function scenario_text(textarea, allow_empty) {
	const t = textarea.value.trim();
	if (t === '') {
		set_msg(textarea, allow_empty ? '' : 'missing');
		return allow_empty ? '' : null;
	}
	try {
		const j = JSON.parse(t);
		if (typeof j !== 'object' || j === null || Array.isArray(j)) {
			set_msg(textarea, 'must be a JSON object');
			return null;
		}
	} catch (e) {
		set_msg(textarea, 'not valid JSON: ' + e.message);
		return null;
	}
	set_msg(textarea, '');
	return t;
}

async function run_fleet() {
	/* Field paths of a generated scenario map back to the generator's inputs. */
	const forms = fleet.text.value === fleet.generated ? [fleet.gen, fleet.form] : [fleet.form];
	clear_msgs([fleet.gen, fleet.form]);
	const body = scenario_text(fleet.text, false);
	if (body === null) {
		set_state(fleet.panel, 'invalid', 'The scenario is not valid JSON.');
		return;
	}
	set_state(fleet.panel, 'loading', 'Computing…');
	try {
		const res = await api('POST', 'fleet', {}, body);
		if (failed(fleet.panel, forms, res, 200))
			return;
		render_fleet(res.body);
	} catch (e) {
		set_state(fleet.panel, 'error', e.message);
	}
}

function render_fleet(f) {
	fill_figures($('#fleet-out'), f, {
		cost_per_btc_marginal_usd: { text: v => fmt_usd(v, 0) },
		cost_per_btc_cash_usd: { text: v => fmt_usd(v, 0) },
		cost_per_btc_all_in_usd: { text: v => fmt_usd(v, 0) },
		btc_day: { text: v => fmt_num(v, 5) + ' BTC' },
		hashrate_phs: { text: v => fmt_num(v, 1) + ' PH/s' },
		power_mw: { text: v => fmt_num(v, 2) + ' MW' },
		cash_margin_usd_day: { text: v => fmt_usd(v, 0) },
		net_usd_day: { text: v => fmt_usd(v, 0) }
	});
	const tbody = $('#fleet-lines tbody');
	const frag = document.createDocumentFragment();
	for (const l of f.lines) {
		const tr = el('tr');
		tr.append(el('th', l.machine, { scope: 'row' }), el('td', l.site, { class: 'text' }), el('td', fmt_num(l.count, 0)),
			el('td', fmt_num(l.hashrate_phs, 2)), el('td', fmt_num(l.power_mw, 3)),
			el('td', fmt_num(l.btc_day, 5)), el('td', fmt_usd(l.revenue_usd_day, 0)),
			el('td', fmt_usd(l.power_cost_usd_day, 0)), el('td', fmt_usd(l.shutdown_price_usd, 0)));
		frag.appendChild(tr);
	}
	tbody.replaceChildren(frag);
	set_state(fleet.panel, 'done', (f.scenario || 'The fleet') + ': at ' + fmt_usd(f.price_usd) +
		' per BTC, break-even all-in at ' + fmt_usd(f.breakeven_price_all_in_usd) + ' (hashprice ' +
		fmt_usd(f.breakeven_hashprice_all_in_usd_per_ph_day, 2) + ' per PH/s per day).');
}

async function load_machines() {
	const res = await api('GET', 'machines', { sort: 'efficiency' });
	if (res.status !== 200)
		return;
	const sel = $('#fleet-machine');
	const keep = sel.value;
	sel.replaceChildren();
	for (const m of res.body.machines) {
		fleet.machines[m.name.toLowerCase()] = m;
		const o = el('option', m.name + ' (' + fmt_num(m.efficiency_j_per_th, 1) + ' J/TH)', { value: m.name });
		if (m.name === keep)
			o.selected = true;
		sel.appendChild(o);
	}
}

/* ------------------------------------------------------------------ */
/* Jobs: pivot, treasury, simulate                                    */
/* ------------------------------------------------------------------ */

/*
 * A panel that runs one asynchronous job at a time: POST, then GET
 * /api/v1/jobs/ID every POLL_MS until it is done, failed or cancelled,
 * with the progress bar following; Cancel sends DELETE. Starting again
 * while a job runs cancels the old one first.
 */
function job_panel(name, opts) {
	const j = {
		panel: $('#' + name),
		form: $('#' + name + '-form'),
		progress: $('#' + name + '-progress'),
		cancel: $('#' + name + '-cancel'),
		run: $('#' + name + '-run'),
		id: null,
		timer: null,
		started: 0
	};

	function finish() {
		clearTimeout(j.timer);
		j.timer = null;
		j.id = null;
		j.cancel.disabled = true;
	}

	async function poll() {
		const id = j.id;
		if (!id)
			return;
		let res;
		try {
			res = await api('GET', 'jobs/' + encodeURIComponent(id));
		} catch (e) {
			finish();
			set_state(j.panel, 'error', e.message);
			return;
		}
		if (id !== j.id)
			return;
		if (res.status !== 200) {
			finish();
			failed(j.panel, [j.form], res, 200);
			return;
		}
		const s = res.body;
		j.progress.value = s.progress || 0;
		if (s.status === 'done') {
			j.progress.value = 1;
			finish();
			opts.render(s.result);
			set_state(j.panel, 'done', opts.summary(s.result) + ' (' + fmt_num(s.elapsed_s, 2) + ' s)');
		} else if (s.status === 'failed') {
			finish();
			show_error(j.panel, [j.form], s.error || { error: 'the job failed' });
		} else if (s.status === 'cancelled') {
			finish();
			set_state(j.panel, 'cancelled', 'Cancelled.');
		} else {
			set_state(j.panel, s.status, (s.status === 'queued' ? 'Queued' : 'Running: ' +
				group(100 * (s.progress || 0), 0) + ' %') + ', ' + fmt_num(s.elapsed_s, 1) + ' s');
			j.timer = setTimeout(poll, POLL_MS);
		}
	}

	async function cancel() {
		const id = j.id;
		if (!id)
			return;
		finish();
		set_state(j.panel, 'cancelled', 'Cancelling…');
		try {
			const res = await api('DELETE', 'jobs/' + encodeURIComponent(id));
			set_state(j.panel, 'cancelled', res.status === 200 ? 'Cancelled.' : 'The job had already ended.');
		} catch (e) {
			set_state(j.panel, 'error', e.message);
		}
	}

	async function start(ev) {
		ev.preventDefault();
		if (j.id)
			await cancel();
		const textarea = $('textarea', j.form);
		const ok = check_forms([j.form]);
		const body = scenario_text(textarea, opts.empty_ok);
		const extra = ok && body !== null ? opts.check(body) : '';
		if (!ok || body === null || extra) {
			set_state(j.panel, 'invalid', extra || 'Correct the marked inputs.');
			return;
		}
		j.progress.value = 0;
		set_state(j.panel, 'queued', 'Starting…');
		let res;
		try {
			res = await api('POST', name, params_of(j.form), body);
		} catch (e) {
			set_state(j.panel, 'error', e.message);
			return;
		}
		if (res.status === 200) {
			/* a server may answer a small run at once */
			j.progress.value = 1;
			opts.render(res.body);
			set_state(j.panel, 'done', opts.summary(res.body));
			return;
		}
		if (failed(j.panel, [j.form], res, 202))
			return;
		j.id = res.body.job;
		j.cancel.disabled = false;
		poll();
	}

	j.form.addEventListener('submit', start);
	j.cancel.addEventListener('click', cancel);
	return j;
}

/* ------------------------------------------------------------------ */
/* Pivot                                                              */
/* ------------------------------------------------------------------ */

function render_pivot(r) {
	const tbody = $('#pivot-table tbody');
	const frag = document.createDocumentFragment();
	for (const s of r.strategies) {
		const irr = s.irr === undefined ? '–' : s.irr === 'unique' ? fmt_num(s.irr_pct_per_year, 1) : s.irr;
		const tr = el('tr');
		tr.append(el('th', s.name, { scope: 'row' }),
			el('td', fmt_musd(s.npv_usd.p5)), el('td', fmt_musd(s.npv_usd.p50)),
			el('td', fmt_musd(s.npv_usd.p95)), el('td', fmt_musd(s.npv_usd.mean)),
			el('td', fmt_musd(s.npv_vs_mining_usd ? s.npv_vs_mining_usd.p50 : null)),
			el('td', fmt_prob(s.p_npv_beats_mining)), el('td', irr),
			el('td', fmt_num(s.payback_months, 1)), el('td', fmt_prob(s.p_out_of_cash)),
			el('td', fmt_num(s.btc_sold ? s.btc_sold.mean : null, 1)));
		frag.appendChild(tr);
	}
	tbody.replaceChildren(frag);
	const q = k => r.strategies.map(s => s.npv_usd[k]);
	charts.ranges($('#pivot-chart'), {
		title: 'NPV per strategy: p5–p95, p25–p75, median (mean: dot)',
		labels: r.strategies.map(s => s.name),
		p5: q('p5'), p25: q('p25'), p50: q('p50'), p75: q('p75'), p95: q('p95'), mean: q('mean'),
		unit: 'usd',
		refLine: { value: 0, label: '0' }
	});
}

function pivot_summary(r) {
	let best = null;
	for (const s of r.strategies)
		if (!best || s.npv_usd.mean > best.npv_usd.mean)
			best = s;
	return r.strategies.length + ' strategies over ' + fmt_num(r.paths, 0) + ' paths and ' +
		r.horizon_months + ' months; best mean NPV: ' + best.name + ' (' + fmt_musd(best.npv_usd.mean) + ' M USD)';
}

/* ------------------------------------------------------------------ */
/* Treasury                                                           */
/* ------------------------------------------------------------------ */

/* The strategy choices follow the scenario's pivot.strategies. */
function treasury_strategies() {
	const sel = $('#treasury-strategy');
	const keep = sel.value;
	let names = [];
	try {
		const s = JSON.parse($('#treasury-scenario').value);
		names = ((s.pivot || {}).strategies || []).map(x => x.name).filter(n => typeof n === 'string');
	} catch (e) {
		/* scenario_text reports bad JSON when the form is run */
	}
	sel.replaceChildren(el('option', 'the first strategy', { value: '' }));
	for (const n of names) {
		const o = el('option', n, { value: n });
		if (n === keep)
			o.selected = true;
		sel.appendChild(o);
	}
}

function render_treasury(r) {
	fill_figures($('#treasury-out'), r, {
		p_out_of_cash: { text: fmt_prob },
		p_margin_call: { text: fmt_prob },
		p_liquidation: { text: fmt_prob },
		mining_btc: { text: v => fmt_num(v, 1) + ' BTC' },
		btc_sold: { value: j => j.btc_sold.mean, text: v => fmt_num(v, 1) + ' BTC' },
		end_btc: { value: j => j.end_btc.p50, text: v => fmt_num(v, 1) + ' BTC' }
	});
	charts.fan($('#treasury-chart-btc'), { points: r.treasury_btc, title: 'BTC holdings', unit: 'btc' });
	charts.fan($('#treasury-chart-cash'), { points: r.cash_usd, title: 'Cash', unit: 'usd' });
}

function treasury_summary(r) {
	return r.strategy + ': ' + fmt_num(r.paths, 0) + ' paths; P(out of cash) ' + fmt_prob(r.p_out_of_cash) +
		', P(margin call) ' + fmt_prob(r.p_margin_call) + ', P(liquidation) ' + fmt_prob(r.p_liquidation);
}

/* ------------------------------------------------------------------ */
/* Simulation                                                         */
/* ------------------------------------------------------------------ */

/* Series of simulate's --json drawn as fans: title, charts.js unit, axis title. */
const SIM_TITLES = {
	hashprice_usd_per_ph_day: ['Hashprice', 'usd', 'USD per PH/s per day'],
	hashrate_eh: ['Hashrate', 'eh', ''],
	difficulty: ['Difficulty', '', ''],
	price_usd: ['BTC price', 'usd', ''],
	listed_btc: ["Listed miners' BTC", 'btc', ''],
	revenue_usd_day: ['Security budget (miners\' revenue)', 'usd', 'USD per day'],
	power_gw: ['Network power', 'gw', ''],
	sold_btc: ['BTC sold by miners', 'btc', 'BTC per day']
};

function render_simulate(r) {
	for (const box of $all('#simulate-charts [data-series]')) {
		const t = SIM_TITLES[box.dataset.series];
		charts.fan(box, { points: r.series[box.dataset.series], title: t[0], unit: t[1], axisTitle: t[2] });
	}
	const tbody = $('#simulate-cohorts tbody');
	const frag = document.createDocumentFragment();
	for (const k of r.cohorts) {
		const tr = el('tr');
		tr.append(el('th', k.name + (k.listed ? ' (listed)' : ''), { scope: 'row' }),
			el('td', fmt_num(k.start_eh, 1)), el('td', fmt_num(k.end_hashrate_eh.p50, 1)),
			el('td', fmt_num(k.start_btc, 0)), el('td', fmt_num(k.end_btc.p50, 0)),
			el('td', fmt_num(k.sold_btc.p50, 0)), el('td', fmt_prob(k.p_bankrupt)), el('td', fmt_prob(k.p_pivoted)));
		frag.appendChild(tr);
	}
	tbody.replaceChildren(frag);
}

function simulate_summary(r) {
	return r.scenario + ': ' + fmt_num(r.paths, 0) + ' paths over ' + fmt_num(r.days, 0) + ' days from ' +
		r.start_date + ' (' + r.mode + ', ' + r.difficulty_rule + ' rule, seed ' + r.seed + ')';
}

/* A per-block rule needs block-level mode: say so before the server does. */
function simulate_check() {
	const rule = $('#simulate-rule');
	if (rule.value !== 'bitcoin' && !$('#simulate-block_level').checked) {
		set_msg(rule, '"' + rule.value + '" needs block level');
		return 'Correct the marked inputs.';
	}
	return '';
}

/* ------------------------------------------------------------------ */
/* Examples and start-up                                              */
/* ------------------------------------------------------------------ */

/* An illustrative company for the pivot and treasury panels (docs/scenario.md). */
const PIVOT_EXAMPLE = {
	name: '100 MW miner weighing a 20 MW AI colocation lease (illustrative)',
	as_of: '2026-05-02',
	network: { bits: '170240c3', height: 953568, fees_btc_per_block: 0.025, price_usd: 87654.32 },
	company: { pool_fee_pct: 1.5, sga_usd_per_year: 8000000 },
	sites: [{
		name: 'Texas', grid_mw: 100, power_price_usd_per_kwh: 0.045, pue: 1.05, opex_usd_per_year: 6000000,
		fleet: [{ machine: 'Antminer S21', count: 20000, uptime_pct: 97 },
			{ machine: 'Antminer S19 XP', count: 8000, uptime_pct: 95 }]
	}],
	market: {
		horizon_months: 120, paths: 400, seed: 20260502,
		price: { model: 'gbm', drift_pct_per_year: 0, volatility_pct_per_year: 45 },
		difficulty: { growth_pct_per_epoch: 1 }
	},
	treasury: {
		btc: 2000, cash_usd: 150000000, min_cash_usd: 20000000, sell_production_pct: 50,
		loan: { principal_usd: 40000000, rate_pct_per_year: 9, ltv_pct: 40, margin_call_ltv_pct: 70, liquidation_ltv_pct: 85 }
	},
	pivot: {
		discount_rate_pct_per_year: 10,
		strategies: [
			{ name: 'keep mining' },
			{ name: 'colocation, 20 MW', conversions: [colocation()] },
			{ name: 'wait, then colocation', conversions: [colocation()], wait: { until_month: 36, every_months: 3 } }
		]
	}
};

function colocation() {
	return {
		type: 'colocation', site: 'Texas', grid_mw: 20, pue: 1.3, capex_usd_per_mw: 8000000,
		build_months: 12, rate_usd_per_kw_month: 150, escalator_pct_per_year: 3, term_months: 120,
		occupancy_start_pct: 50, ramp_months: 6, opex_usd_per_mw_year: 250000
	};
}

function init() {
	/* Network: a new height reloads it; price and fees only need the hashprice. */
	const reload = debounce(load_network, DEBOUNCE_MS);
	net.form.addEventListener('input', reload);
	net.form.addEventListener('submit', e => e.preventDefault());

	/* Calculator: every change recomputes, debounced. */
	const recalc = debounce(update_calculator, DEBOUNCE_MS);
	calc.form.addEventListener('input', function (e) {
		if (e.target.name === 'target_kind')
			set_calc_kind(e.target.value);
		recalc();
	});
	calc.form.addEventListener('submit', e => e.preventDefault());
	set_calc_kind(calc_kind());

	be.form.addEventListener('input', schedule_breakeven);
	be.form.addEventListener('submit', e => e.preventDefault());
	init_sorting();

	$('#fleet-generate').addEventListener('click', function () {
		clear_msgs([fleet.gen, fleet.form]);
		if (generate_fleet())
			set_state(fleet.panel, 'idle', 'Scenario generated; Compute to see its costs.');
	});
	fleet.form.addEventListener('submit', function (e) {
		e.preventDefault();
		run_fleet();
	});

	$('#pivot-scenario').value = JSON.stringify(PIVOT_EXAMPLE, null, 2);
	$('#treasury-scenario').value = JSON.stringify(PIVOT_EXAMPLE, null, 2);
	treasury_strategies();
	$('#treasury-scenario').addEventListener('input', debounce(treasury_strategies, DEBOUNCE_MS));

	job_panel('pivot', { render: render_pivot, summary: pivot_summary, check: () => '', empty_ok: false });
	job_panel('treasury', { render: render_treasury, summary: treasury_summary, check: () => '', empty_ok: false });
	job_panel('simulate', { render: render_simulate, summary: simulate_summary, check: simulate_check, empty_ok: true });

	api('GET', 'version').then(function (res) {
		if (res.status === 200)
			$('#version').textContent = res.body.version;
	}).catch(function () { /* the network panel says when the server is down */ });

	load_machines().catch(function () { /* the fleet panel keeps its default machine */ }).then(function () {
		generate_fleet();
		run_fleet();
	});
	load_network();
}

init();

})();
