/*
 * report.js - draws a hashpivot HTML report (src/cli/report.c,
 * docs/report.md) from the two JSON blocks embedded in the file:
 * #hp-result, the command's --json document byte for byte, and #hp-inputs,
 * the run's command line, usage text, scenario file and the data/SOURCES.md
 * sections of the shipped data it read (and, for simulate and pivot, more
 * series of the same run). Every figure shown is read from them; nothing
 * is computed here but sorting, picking the last point and formatting.
 *
 * The page: the question and the answer in one sentence each, the key
 * figures, the charts (HPCharts in web/charts.js), the tables, every
 * assumption with its source, and how to reproduce the run.
 */
(function () {
	"use strict";

	var R = JSON.parse(document.getElementById("hp-result").textContent);
	var I = JSON.parse(document.getElementById("hp-inputs").textContent);
	var F = HPCharts.fmt;
	var root = document.getElementById("report");
	var nchart = 0;

	/* ------------------------------------------------------------ */
	/* building blocks                                                */
	/* ------------------------------------------------------------ */

	function el(tag, attrs, kids) {
		var e = document.createElement(tag);

		Object.keys(attrs || {}).forEach(function (k) {
			if (k === "text")
				e.textContent = attrs[k];
			else
				e.setAttribute(k, attrs[k]);
		});
		(kids || []).forEach(function (c) {
			e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
		});
		return e;
	}

	function section(id, title) {
		var s = el("section", {id: id, "class": root.querySelector("section") ? "" : "first"});

		if (title)
			s.appendChild(el("h2", {text: title}));
		root.appendChild(s);
		return s;
	}

	function figures(parent, list) {
		var g = el("div", {"class": "figures"});

		list.forEach(function (f) {
			if (!f)
				return;
			g.appendChild(el("div", {"class": "figure"}, [
				el("div", {"class": "k", text: f[0]}),
				el("div", {"class": "v", text: f[1]}),
				el("div", {"class": "r", text: f[2] || ""})
			]));
		});
		parent.appendChild(g);
	}

	/*
	 * A titled box with a chart container; returns the container. A tall
	 * chart (a ladder) takes the whole width, and rows enough room for n
	 * labels.
	 */
	function chartBox(grid, title, note, cls, n) {
		var c = el("div", {id: "chart-" + (++nchart), "class": "hp-chart" + (cls ? " " + cls : "")});

		if (cls === "tall" && n)
			c.style.height = Math.max(320, 18 * n + 90) + "px";
		var box = el("div", {"class": "chart-box" + (cls === "tall" ? " wide" : "")},
			     [el("h3", {text: title})]);

		if (note)
			box.appendChild(el("p", {"class": "note", text: note}));
		box.appendChild(c);
		grid.appendChild(box);
		return c;
	}

	function grid(parent) {
		return parent.appendChild(el("div", {"class": "charts"}));
	}

	/* columns: [label, function(row) -> text, numeric?] */
	function table(parent, columns, rows, rowClass) {
		var t = el("table"), tr = el("tr");

		columns.forEach(function (c) {
			tr.appendChild(el("th", {"class": c[2] ? "num" : "", text: c[0]}));
		});
		t.appendChild(el("thead", {}, [tr]));
		var body = el("tbody");
		rows.forEach(function (r) {
			var row = el("tr", rowClass ? {"class": rowClass(r) || ""} : {});
			columns.forEach(function (c) {
				var v = c[1](r);
				row.appendChild(el("td", {"class": c[2] ? "num" : (c[3] || ""),
							  text: v === undefined || v === null ? "" : String(v)}));
			});
			body.appendChild(row);
		});
		t.appendChild(body);
		parent.appendChild(t);
		return t;
	}

	function last(a) {
		return a && a.length ? a[a.length - 1] : null;
	}

	function pct(p) {
		return typeof p === "number" && isFinite(p) ? F(100 * p, "pct") : "-";
	}

	/* "p5-p95 a to b" of a {p5, ..., p95} */
	function band(d, unit) {
		return d ? "p5-p95 " + F(d.p5, unit) + " to " + F(d.p95, unit) : "";
	}

	function months(m) {
		return typeof m === "number" && isFinite(m) ? F(m, "") + " months" : "-";
	}

	/* ------------------------------------------------------------ */
	/* simulate                                                       */
	/* ------------------------------------------------------------ */

	var SIM_SERIES = {
		price_usd: ["BTC price", "usd"],
		hashrate_eh: ["Hashrate", "eh"],
		difficulty: ["Difficulty", ""],
		block_interval_s: ["Mean block interval", "s"],
		hashprice_usd_per_ph_day: ["Hashprice, USD per PH/s per day", "usd"],
		revenue_usd_day: ["Security budget: miners' revenue per day", "usd"],
		attack_hardware_usd: ["51 % attack: hardware to buy", "usd"],
		attack_rental_usd: ["51 % attack: hashrate to rent", "usd"],
		power_gw: ["Network power", "gw"],
		energy_gwh_day: ["Energy per day, GWh", ""],
		renewable_pct: ["Renewable share of the energy", "pct"],
		listed_btc: ["BTC held by listed miners", "btc"],
		miners_btc: ["BTC held by all miners", "btc"],
		sold_btc: ["BTC sold by miners per day", "btc"],
		mined_btc: ["BTC mined per day", "btc"],
		cohorts_mining: ["Cohorts mining", ""],
		cohorts_pivoted: ["Cohorts pivoted to AI/HPC", ""],
		cohorts_bankrupt: ["Cohorts bankrupt", ""],
		ai_mw: ["AI/HPC capacity, MW", "mw"],
		fees_btc_per_block: ["Fees per block", "btc"],
		blocks: ["Blocks per day", ""],
		height: ["Block height", ""]
	};

	function simSeriesMeta(key) {
		if (SIM_SERIES[key])
			return SIM_SERIES[key];
		if (key.indexOf("sold_btc_") === 0)
			return ["BTC sold per day: " + key.slice(9).replace(/_/g, " "), "btc"];
		return [key.replace(/_/g, " "), ""];
	}

	function simulate() {
		var series = I.extra && I.extra.series ? I.extra.series : R.series;
		var every = I.extra && I.extra.every_days ? I.extra.every_days : R.every_days;
		var end = last(R.series.price_usd), endDate = end ? end.date : "";
		var hp = last(R.series.hashprice_usd_per_ph_day), listed = last(R.series.listed_btc);
		var eh = last(R.series.hashrate_eh), budget = last(R.series.revenue_usd_day);
		var attack = last(R.series.attack_hardware_usd), ai = last(R.series.ai_mw);
		var bankrupt = last(R.series.cohorts_bankrupt), diff = last(R.series.difficulty);
		var years = Math.round(R.days / 365.25 * 10) / 10;

		qa("How do Bitcoin's hashrate, difficulty, hashprice and the miners' holdings evolve " +
		   "over the " + F(years, "") + " years from " + R.start_date + " under the scenario \"" +
		   R.scenario + "\" (" + F(R.paths, "") + " price paths)?",
		   "Median hashprice on " + endDate + " is " + F(hp.p50, "usd") + "/PH/day (" +
		   band(hp, "usd") + ") at a hashrate of " + F(eh.p50, "eh") +
		   "; listed miners hold " + F(listed.p50, "btc") + " (" + band(listed, "btc") + ").");

		var s = section("figures", "Key figures on " + endDate + " (medians)");
		figures(s, [
			["BTC price", F(end.p50, "usd"), band(end, "usd")],
			["Hashrate", F(eh.p50, "eh"), band(eh, "eh")],
			["Difficulty", F(diff.p50, ""), band(diff, "")],
			["Hashprice per PH/s per day", F(hp.p50, "usd"), band(hp, "usd")],
			["Security budget per day", F(budget.p50, "usd"), band(budget, "usd")],
			["51 % attack hardware", F(attack.p50, "usd"), band(attack, "usd")],
			["BTC held by listed miners", F(listed.p50, "btc"), band(listed, "btc")],
			["Cohorts bankrupt (mean)", F(bankrupt.mean, ""), "of " + R.cohorts.length],
			["AI/HPC capacity", F(ai.p50, "mw"), band(ai, "mw")],
			["Start", R.start_date, "height " + F(R.start.height, "") + ", " +
			 F(R.start.implied_hashrate_eh, "eh") + " implied"]
		]);

		s = section("series", "Time series");
		s.appendChild(el("p", {"class": "note", text: "Quantile fans over the " +
			F(R.paths, "") + " paths: the light band holds 90 % of the paths (p5 to p95), " +
			"the dark band 50 % (p25 to p75); the line is the median, the dashed line the " +
			"mean. A point every " + every + " days."}));
		var g = grid(s);
		Object.keys(series).forEach(function (k) {
			var m = simSeriesMeta(k);
			HPCharts.fan(chartBox(g, m[0], k), {points: series[k], unit: m[1]});
		});

		s = section("cohorts", "Cohorts: outcomes at the end");
		var names = R.cohorts.map(function (c) { return c.name; });
		g = grid(s);
		HPCharts.bars(chartBox(g, "Probability of bankruptcy and of an AI/HPC pivot",
				       "share of paths", "tall"), {
			labels: names, horizontal: true, unit: "pct",
			groups: [
				{name: "bankrupt", values: R.cohorts.map(function (c) { return 100 * c.p_bankrupt; })},
				{name: "pivoted", values: R.cohorts.map(function (c) { return 100 * c.p_pivoted; })}
			]
		});
		[["end_btc", "BTC held at the end", "btc"], ["end_hashrate_eh", "Hashrate at the end", "eh"],
		 ["mined_btc", "BTC mined over the run", "btc"], ["sold_btc", "BTC sold over the run", "btc"]
		].forEach(function (v) {
			var d = function (q) { return R.cohorts.map(function (c) { return c[v[0]] ? c[v[0]][q] : null; }); };
			HPCharts.ranges(chartBox(g, v[1], "p5-p95, p25-p75, median (tick) and mean (dot)", "tall"), {
				labels: names, unit: v[2], p5: d("p5"), p25: d("p25"), p50: d("p50"),
				p75: d("p75"), p95: d("p95"), mean: d("mean")
			});
		});
		table(s, [
			["cohort", function (c) { return c.name; }],
			["listed", function (c) { return c.listed ? "yes" : "no"; }],
			["start EH/s", function (c) { return F(c.start_eh, ""); }, true],
			["start BTC", function (c) { return F(c.start_btc, ""); }, true],
			["P(bankrupt)", function (c) { return pct(c.p_bankrupt); }, true],
			["P(pivoted)", function (c) { return pct(c.p_pivoted); }, true],
			["end BTC p50", function (c) { return F(c.end_btc.p50, ""); }, true],
			["end EH/s p50", function (c) { return F(c.end_hashrate_eh.p50, ""); }, true],
			["mined BTC mean", function (c) { return F(c.mined_btc.mean, ""); }, true],
			["sold BTC mean", function (c) { return F(c.sold_btc.mean, ""); }, true]
		], R.cohorts);
	}

	/* ------------------------------------------------------------ */
	/* pivot and treasury                                             */
	/* ------------------------------------------------------------ */

	function distRanges(g, title, note, strategies, key, unit, ref) {
		var d = function (q) {
			return strategies.map(function (s) { return s[key] ? s[key][q] : null; });
		};
		return HPCharts.ranges(chartBox(g, title, note, strategies.length > 6 ? "tall" : ""), {
			labels: strategies.map(function (s) { return s.name; }), unit: unit,
			p5: d("p5"), p25: d("p25"), p50: d("p50"), p75: d("p75"), p95: d("p95"),
			mean: d("mean"), refLine: ref
		});
	}

	function pivot() {
		var S = R.strategies, best = S[0], base = S[0];

		S.forEach(function (s) {
			if (s.npv_usd.mean > best.npv_usd.mean)
				best = s;
			if (s.conversions === 0 && !s.wait && base.conversions !== 0)
				base = s;
		});
		qa("Over " + R.horizon_months + " months and " + F(R.paths, "") + " price paths, which " +
		   "strategy of \"" + R.scenario + "\" is worth most: keep mining, convert MW to AI/HPC, " +
		   "or wait and convert?",
		   "\"" + best.name + "\" has the highest mean NPV, " + F(best.npv_usd.mean, "usd") + " (" +
		   band(best.npv_usd, "usd") + ")" + (best !== base ? ", against " +
		   F(base.npv_usd.mean, "usd") + " for \"" + base.name + "\"" : "") +
		   ", with a " + pct(best.p_out_of_cash) + " chance of running out of cash.");

		var s = section("figures", "Key figures");
		figures(s, [
			["Best mean NPV", F(best.npv_usd.mean, "usd"), best.name],
			["Start BTC price", F(R.start_price_usd, "usd"), R.price_model + " price model"],
			["Mining revenue per kWh", F(R.mining_revenue_usd_per_kwh, "usd"),
			 F(R.mining_revenue_usd_per_mw_year, "usd") + " per MW-year"],
			["Mining margin", F(R.mining_margin_pct, "pct"), "at the start"],
			["Discount rate", F(R.discount_rate_pct_per_year, "pct"), "per year"],
			["Paths, seed", F(R.paths, ""), "seed " + R.seed]
		]);

		s = section("strategies", "Strategies compared");
		var g = grid(s);
		distRanges(g, "NPV", "p5-p95, p25-p75, median (tick) and mean (dot)", S, "npv_usd", "usd",
			   {value: 0, label: "0"});
		var vs = S.filter(function (x) { return x.npv_vs_mining_usd; });
		if (vs.length)
			distRanges(g, "NPV against keep mining", "the same paths, strategy minus mining",
				   vs, "npv_vs_mining_usd", "usd", {value: 0, label: "0"});
		HPCharts.bars(chartBox(g, "Risks", "share of paths"), {
			labels: S.map(function (x) { return x.name; }), unit: "pct", horizontal: true,
			groups: [
				{name: "out of cash", values: S.map(function (x) { return 100 * x.p_out_of_cash; })},
				{name: "margin call", values: S.map(function (x) { return 100 * x.p_margin_call; })},
				{name: "liquidation", values: S.map(function (x) { return 100 * x.p_liquidation; })}
			]
		});
		HPCharts.bars(chartBox(g, "Revenue per kWh", "hosting (for conversions) against mining"), {
			labels: S.map(function (x) { return x.name; }), unit: "usd", horizontal: true,
			values: S.map(function (x) {
				return x.conversions ? x.hosting_revenue_usd_per_kwh : x.mining_revenue_usd_per_kwh;
			}),
			refLine: {value: R.mining_revenue_usd_per_kwh, label: "mining"}
		});
		distRanges(g, "BTC sold over the horizon", "", S, "btc_sold", "btc");
		distRanges(g, "BTC held at the end", "", S, "end_btc", "btc");
		distRanges(g, "Cash at the end", "", S, "end_cash_usd", "usd", {value: 0, label: "0"});
		salesByCause(g, S.map(function (x) { return x.name; }),
			     S.map(function (x) { return x.btc_sold_by_cause; }));
		table(s, [
			["strategy", function (x) { return x.name; }],
			["NPV mean", function (x) { return F(x.npv_usd.mean, "usd"); }, true],
			["NPV p5", function (x) { return F(x.npv_usd.p5, "usd"); }, true],
			["NPV p50", function (x) { return F(x.npv_usd.p50, "usd"); }, true],
			["NPV p95", function (x) { return F(x.npv_usd.p95, "usd"); }, true],
			["vs mining p50", function (x) { return x.npv_vs_mining_usd ? F(x.npv_vs_mining_usd.p50, "usd") : "-"; }, true],
			["IRR", function (x) { return x.irr === undefined ? "-" : x.irr === "unique" ? F(x.irr_pct_per_year, "pct") : x.irr; }, true],
			["payback", function (x) { return x.payback_months === undefined ? "-" : months(x.payback_months); }, true],
			["P(no cash)", function (x) { return pct(x.p_out_of_cash); }, true],
			["capex", function (x) { return F(x.capex_usd, "usd"); }, true]
		], S);
		S.filter(function (x) { return x.wait; }).forEach(function (x) {
			s.appendChild(el("h3", {text: "Wait and convert: \"" + x.name + "\""}));
			s.appendChild(el("p", {text: "Option value " + F(x.wait.option_value_usd, "usd") +
				" against " + F(x.wait.convert_now_value_usd, "usd") + " converting now and " +
				F(x.wait.never_convert_value_usd, "usd") + " never; converts on " +
				pct(x.wait.convert_share) + " of the paths."}));
			table(s, [
				["month", function (r) { return r.month; }, true],
				["share converting", function (r) { return pct(r.convert_share); }, true],
				["convert below BTC price", function (r) { return F(r.convert_below_usd, "usd"); }, true]
			], x.wait.rule);
		});

		if (I.extra && I.extra.strategies) {
			s = section("months", "Month by month");
			s.appendChild(el("p", {"class": "note", text: "Quantile fans over the paths, a point " +
				"a month (the same run; the --json leaves these series out)."}));
			g = grid(s);
			HPCharts.fan(chartBox(g, "BTC price", "price_usd"), {points: I.extra.price_usd, unit: "usd"});
			I.extra.strategies.forEach(function (x) {
				HPCharts.fan(chartBox(g, x.name + ": cumulative free cash flow", ""),
					     {points: x.cumulative_fcf_usd, unit: "usd"});
				HPCharts.fan(chartBox(g, x.name + ": net worth (cash + BTC - debt)", ""),
					     {points: x.net_usd, unit: "usd"});
				HPCharts.fan(chartBox(g, x.name + ": BTC treasury", ""),
					     {points: x.treasury_btc, unit: "btc"});
				HPCharts.fan(chartBox(g, x.name + ": cash", ""),
					     {points: x.cash_usd, unit: "usd"});
			});
		}
	}

	/* Mean BTC sold by cause, grouped per strategy. */
	function salesByCause(g, labels, causes) {
		var keys = Object.keys(causes[0] || {});

		HPCharts.bars(chartBox(g, "BTC sold by cause (mean over the paths)", ""), {
			labels: labels, unit: "btc", horizontal: labels.length > 3,
			groups: keys.map(function (k) {
				return {name: k.replace(/_/g, " "), values: causes.map(function (c) {
					return c[k] ? (typeof c[k] === "number" ? c[k] : c[k].mean) : null;
				})};
			})
		});
	}

	function treasury() {
		var btc = last(R.treasury_btc), cash = last(R.cash_usd), net = last(R.net_usd);

		qa("What happens to the BTC treasury and the cash of \"" + R.scenario + "\" under its " +
		   "policy, strategy \"" + R.strategy + "\", over " + R.horizon_months + " months?",
		   "On " + btc.date + " it holds " + F(btc.p50, "btc") + " at the median (" +
		   band(btc, "btc") + ", from " + F(R.start_btc, "btc") + "), with a " +
		   pct(R.p_margin_call) + " chance of a margin call and " + pct(R.p_liquidation) +
		   " of a liquidation.");

		var s = section("figures", "Key figures");
		figures(s, [
			["BTC at the end (median)", F(btc.p50, "btc"), band(btc, "btc")],
			["Cash at the end (median)", F(cash.p50, "usd"), band(cash, "usd")],
			["Net worth at the end (median)", F(net.p50, "usd"), band(net, "usd")],
			["P(margin call)", pct(R.p_margin_call), ""],
			["P(liquidation)", pct(R.p_liquidation), ""],
			["P(out of cash)", pct(R.p_out_of_cash), ""],
			["BTC sold (mean)", F(R.btc_sold.mean, "btc"), band(R.btc_sold, "btc")],
			["BTC mined (mean)", F(R.mining_btc, "btc"), ""],
			["DeFi yield / losses", F(R.defi_yield_btc, "btc"), F(R.defi_loss_btc, "btc") + " lost"]
		]);

		s = section("months", "Month by month");
		var g = grid(s);
		HPCharts.fan(chartBox(g, "BTC price", "price_usd"), {points: R.price_usd, unit: "usd"});
		HPCharts.fan(chartBox(g, "BTC treasury", "treasury_btc"), {points: R.treasury_btc, unit: "btc"});
		HPCharts.fan(chartBox(g, "Cash", "cash_usd"), {points: R.cash_usd, unit: "usd"});
		HPCharts.fan(chartBox(g, "Net worth", "net_usd"), {points: R.net_usd, unit: "usd"});

		s = section("sales", "Sales");
		g = grid(s);
		var causes = Object.keys(R.btc_sold_by_cause);
		HPCharts.ranges(chartBox(g, "BTC sold by cause", "p5-p95, p25-p75, median and mean"), {
			labels: causes.map(function (k) { return k.replace(/_/g, " "); }), unit: "btc",
			p5: causes.map(function (k) { return R.btc_sold_by_cause[k].p5; }),
			p25: causes.map(function (k) { return R.btc_sold_by_cause[k].p25; }),
			p50: causes.map(function (k) { return R.btc_sold_by_cause[k].p50; }),
			p75: causes.map(function (k) { return R.btc_sold_by_cause[k].p75; }),
			p95: causes.map(function (k) { return R.btc_sold_by_cause[k].p95; }),
			mean: causes.map(function (k) { return R.btc_sold_by_cause[k].mean; })
		});
		HPCharts.bars(chartBox(g, "USD raised by cause (mean)", ""), {
			labels: causes.map(function (k) { return k.replace(/_/g, " "); }), unit: "usd",
			values: causes.map(function (k) { return R.usd_from_sales_by_cause[k]; })
		});
		if (R.path_0_events && R.path_0_events.length) {
			s.appendChild(el("h3", {text: "What happened on path 0 (first " +
				Math.min(40, R.path_0_events.length) + " of " + R.path_0_events.length + " events)"}));
			table(s, [
				["date", function (e) { return e.date; }],
				["kind", function (e) { return e.kind.replace(/_/g, " "); }],
				["cause", function (e) { return e.cause ? e.cause.replace(/_/g, " ") : ""; }],
				["BTC", function (e) { return F(e.btc, ""); }, true],
				["price", function (e) { return F(e.price_usd, "usd"); }, true],
				["USD", function (e) { return F(e.usd, "usd"); }, true]
			], R.path_0_events.slice(0, 40));
		}
	}

	/* ------------------------------------------------------------ */
	/* fleet and breakeven                                            */
	/* ------------------------------------------------------------ */

	function fleet() {
		qa("What does it cost \"" + R.scenario + "\" to mine one BTC, and at what BTC price " +
		   "does each cost basis break even?",
		   "One BTC costs " + F(R.cost_per_btc_all_in_usd, "usd") + " all-in (" +
		   F(R.cost_per_btc_cash_usd, "usd") + " cash, " + F(R.cost_per_btc_marginal_usd, "usd") +
		   " marginal) against a BTC price of " + F(R.price_usd, "usd") + "; the fleet mines " +
		   F(R.btc_day, "btc") + " a day and nets " + F(R.net_usd_day, "usd") + " a day.");

		var s = section("figures", "Key figures");
		figures(s, [
			["Hashrate", F(R.hashrate_phs, "ph"), F(R.power_mw, "mw") + " drawn"],
			["BTC per day", F(R.btc_day, "btc"), F(R.revenue_usd_day, "usd") + " revenue"],
			["Cost per BTC, all-in", F(R.cost_per_btc_all_in_usd, "usd"),
			 "break-even price " + F(R.breakeven_price_all_in_usd, "usd")],
			["Cost per BTC, cash", F(R.cost_per_btc_cash_usd, "usd"),
			 "break-even price " + F(R.breakeven_price_cash_usd, "usd")],
			["Cost per BTC, marginal", F(R.cost_per_btc_marginal_usd, "usd"),
			 "break-even price " + F(R.breakeven_price_marginal_usd, "usd")],
			["Cash margin per day", F(R.cash_margin_usd_day, "usd"), "sites, before SG&A"],
			["Net per day", F(R.net_usd_day, "usd"), "after every cost"],
			["Hashprice", F(R.usd_per_ph_day, "usd") + "/PH/day", "BTC " + F(R.price_usd, "usd")]
		]);

		s = section("costs", "Costs and sites");
		var g = grid(s);
		HPCharts.bars(chartBox(g, "Cost of one BTC by basis", "against today's price (dashed)"), {
			labels: ["marginal", "cash", "all-in"], unit: "usd", horizontal: false,
			values: [R.cost_per_btc_marginal_usd, R.cost_per_btc_cash_usd, R.cost_per_btc_all_in_usd],
			refLine: {value: R.price_usd, label: "BTC " + F(R.price_usd, "usd")}
		});
		HPCharts.bars(chartBox(g, "Per site, per day", ""), {
			labels: R.sites.map(function (x) { return x.site; }), unit: "usd",
			groups: [
				{name: "revenue", values: R.sites.map(function (x) { return x.revenue_usd_day; })},
				{name: "power", values: R.sites.map(function (x) { return x.power_cost_usd_day; })},
				{name: "cash margin", values: R.sites.map(function (x) { return x.cash_margin_usd_day; })}
			]
		});
		var lines = R.lines.slice().sort(function (a, b) { return a.shutdown_price_usd - b.shutdown_price_usd; });
		HPCharts.bars(chartBox(g, "Shutdown price of each fleet line", "the BTC price below " +
				       "which it no longer pays for its power", lines.length > 8 ? "tall" : ""), {
			labels: lines.map(function (l) { return l.site + ": " + l.machine; }), unit: "usd",
			horizontal: true, values: lines.map(function (l) { return l.shutdown_price_usd; }),
			colors: lines.map(function (l) { return l.shutdown_price_usd > R.price_usd ? "#bc4749" : "#1f5fa8"; }),
			refLine: {value: R.price_usd, label: "today"}
		});
		table(s, [
			["site", function (x) { return x.site; }],
			["PH/s", function (x) { return F(x.hashrate_phs, ""); }, true],
			["MW", function (x) { return F(x.power_mw, ""); }, true],
			["BTC/day", function (x) { return F(x.btc_day, ""); }, true],
			["revenue/day", function (x) { return F(x.revenue_usd_day, "usd"); }, true],
			["power/day", function (x) { return F(x.power_cost_usd_day, "usd"); }, true],
			["cash margin/day", function (x) { return F(x.cash_margin_usd_day, "usd"); }, true],
			["$/MWh", function (x) { return F(x.avg_power_price_usd_per_mwh, ""); }, true],
			["curtailed", function (x) { return x.curtailed ? "yes" : "no"; }]
		], R.sites);
	}

	function breakeven() {
		if (!R.machines) {
			qa("At this network state, at what BTC price and power price does the " + R.machine +
			   " stop paying for its power?",
			   "It shuts down below " + F(R.shutdown_price_usd, "usd") + " (BTC is at " +
			   F(R.price_usd, "usd") + ") or above " + F(R.breakeven_power_usd_per_kwh, "usd") +
			   "/kWh, and makes " + F(R.profit_usd_day, "usd") + " a day now.");
			var s1 = section("figures", "Key figures");
			figures(s1, [
				["Shutdown BTC price", F(R.shutdown_price_usd, "usd"), "BTC " + F(R.price_usd, "usd")],
				["Break-even power price", F(R.breakeven_power_usd_per_kwh, "usd") + "/kWh",
				 "paying " + F(R.power_price_usd_per_kwh, "usd") + "/kWh"],
				["Profit per day", F(R.profit_usd_day, "usd"), "margin " + F(R.margin_pct, "pct")],
				["Cost per BTC", F(R.cost_usd_per_btc, "usd"), F(R.btc_per_day, "btc") + " a day"],
				R.payback_months !== undefined ? ["Payback", months(R.payback_months),
					"ROI " + F(R.roi_pct, "pct") + " over " + R.months + " months"] : null
			]);
			var g1 = grid(section("day", "One day"));
			HPCharts.bars(chartBox(g1, "Revenue and costs per day", ""), {
				labels: ["revenue", "power", "hosting", "profit"], unit: "usd", horizontal: false,
				values: [R.revenue_usd_day, R.power_cost_usd_day, R.hosting_usd_day, R.profit_usd_day]
			});
			return;
		}
		var M = R.machines, paying = M.filter(function (m) { return m.profit_usd_day > 0; });
		var bySd = M.slice().sort(function (a, b) { return a.shutdown_price_usd - b.shutdown_price_usd; });
		qa("At this network state (hashprice " + F(R.usd_per_ph_day, "usd") + "/PH/day) and " +
		   F(R.power_price_usd_per_kwh, "usd") + "/kWh, at what BTC price does each of the " +
		   R.count + " machines stop paying for its power?",
		   paying.length + " of " + R.count + " machines pay at " + F(R.price_usd, "usd") +
		   "; the " + bySd[0].machine + " shuts down below " + F(bySd[0].shutdown_price_usd, "usd") +
		   ", the " + last(bySd).machine + " below " + F(last(bySd).shutdown_price_usd, "usd") + ".");

		var s = section("figures", "Key figures");
		figures(s, [
			["Machines paying", paying.length + " of " + R.count, "at BTC " + F(R.price_usd, "usd")],
			["Lowest shutdown price", F(bySd[0].shutdown_price_usd, "usd"), bySd[0].machine],
			["Highest shutdown price", F(last(bySd).shutdown_price_usd, "usd"), last(bySd).machine],
			["Hashprice", F(R.usd_per_ph_day, "usd") + "/PH/day", "difficulty " + F(R.difficulty, "")],
			["Power price", F(R.power_price_usd_per_kwh, "usd") + "/kWh", "PUE " + R.pue]
		]);

		s = section("ladder", "The shutdown-price ladder");
		var g = grid(s);
		HPCharts.bars(chartBox(g, "Shutdown BTC price per machine", "below it a machine no longer " +
				       "pays for its power; red: above today's price", "tall", bySd.length), {
			labels: bySd.map(function (m) { return m.machine; }), unit: "usd", horizontal: true,
			values: bySd.map(function (m) { return m.shutdown_price_usd; }),
			colors: bySd.map(function (m) { return m.shutdown_price_usd > R.price_usd ? "#bc4749" : "#1f5fa8"; }),
			refLine: {value: R.price_usd, label: "today " + F(R.price_usd, "usd")}
		});
		HPCharts.bars(chartBox(g, "Profit per day per machine", "", "tall", bySd.length), {
			labels: bySd.map(function (m) { return m.machine; }), unit: "usd", horizontal: true,
			values: bySd.map(function (m) { return m.profit_usd_day; }),
			colors: bySd.map(function (m) { return m.profit_usd_day < 0 ? "#bc4749" : "#2a9d8f"; })
		});
		var pb = bySd.filter(function (m) { return typeof m.payback_months === "number"; });
		if (pb.length)
			HPCharts.bars(chartBox(g, "Payback of buying one, months", "machines with a price; " +
					       "over " + R.months + " months at most", pb.length > 8 ? "tall" : ""), {
				labels: pb.map(function (m) { return m.machine; }), unit: "", horizontal: true,
				values: pb.map(function (m) { return m.payback_months; })
			});
		table(s, [
			["rank", function (m) { return m.rank; }, true],
			["machine", function (m) { return m.machine; }],
			["J/TH", function (m) { return F(m.efficiency_j_per_th, ""); }, true],
			["TH/s", function (m) { return F(m.hashrate_ths, ""); }, true],
			["shutdown price", function (m) { return F(m.shutdown_price_usd, "usd"); }, true],
			["break-even $/kWh", function (m) { return F(m.breakeven_power_usd_per_kwh, ""); }, true],
			["profit/day", function (m) { return F(m.profit_usd_day, "usd"); }, true],
			["payback", function (m) { return m.payback_months === undefined ? "-" : months(m.payback_months); }, true]
		], M, function (m) { return m.profit_usd_day < 0 ? "bad" : ""; });
	}

	/* ------------------------------------------------------------ */
	/* every report                                                   */
	/* ------------------------------------------------------------ */

	function header() {
		root.appendChild(el("h1", {text: "hashpivot " + I.command + " report"}));
		root.appendChild(el("p", {"class": "subtitle", text: (R.scenario ? R.scenario + " - " : "") +
			"hashpivot " + I.version + (typeof R.seed === "number" ? ", seed " + R.seed : "")}));
	}

	function qa(question, answer) {
		var s = section("answer", "Question and answer");
		s.classList.add("qa");
		s.appendChild(el("p", {id: "question"}, [el("span", {"class": "label", text: "Question"}), question]));
		s.appendChild(el("p", {id: "the-answer"}, [el("span", {"class": "label", text: "Answer"}), answer]));
	}

	/* The options of the usage text: [{names, text, given}] */
	function options() {
		var out = [], cur = null;

		(I.usage || "").split("\n").forEach(function (line) {
			var m = /^  (--\S.*?)(?:\s{2,}(.*))?$/.exec(line);
			if (m) {
				cur = {spec: m[1].trim(), text: m[2] || ""};
				out.push(cur);
			} else if (cur && /^\s{6,}\S/.test(line)) {
				cur.text += (cur.text ? " " : "") + line.trim();
			} else {
				cur = null;
			}
		});
		/* what was given, as --name value, --name=value or a flag */
		var given = {}, argv = I.argv.slice(1);
		for (var i = 0; i < argv.length; i++) {
			var a = argv[i], eq = a.indexOf("=");
			if (a.indexOf("--") !== 0)
				continue;
			var name = eq > 0 ? a.slice(0, eq) : a;
			var takes = out.some(function (o) {
				return new RegExp("(^|[ ,|])" + name + " [A-Z]").test(o.spec);
			});
			var v = eq > 0 ? a.slice(eq + 1) : takes && i + 1 < argv.length ? argv[++i] : "(set)";
			(given[name] = given[name] || []).push(v);
		}
		out.forEach(function (o) {
			var names = o.spec.match(/--[a-z0-9-]+/g) || [];
			o.given = names.filter(function (n) { return given[n]; }).map(function (n) {
				return n + " " + given[n].join(", ");
			}).join("; ");
		});
		return out;
	}

	/* scenario leaves: [path, value, owner object] */
	function leaves(v, path, out, owner) {
		if (v !== null && typeof v === "object" && !Array.isArray(v)) {
			Object.keys(v).forEach(function (k) { leaves(v[k], path ? path + "." + k : k, out, v); });
		} else if (Array.isArray(v) && v.some(function (x) { return x !== null && typeof x === "object"; })) {
			v.forEach(function (x, i) { leaves(x, path + "[" + i + "]", out, owner); });
		} else {
			out.push([path, Array.isArray(v) ? JSON.stringify(v) : String(v), owner]);
		}
		return out;
	}

	/* "| a | b | c |" rows of the markdown tables of a SOURCES.md section */
	function mdRows(text) {
		return text.split("\n").filter(function (l) {
			return /^\|/.test(l) && !/^\|\s*-/.test(l);
		}).map(function (l) {
			return l.replace(/^\||\|$/g, "").split("|").map(function (c) {
				return c.trim().replace(/`/g, "");
			});
		});
	}

	/*
	 * The source of a scenario value: its object's own "source" or "notes"
	 * field, else a row of a SOURCES.md table naming its key (and cohort).
	 */
	function sourceOf(path, owner, rows, cohortNames) {
		if (owner && typeof owner === "object")
			for (var k of ["source", "sources", "notes", "note"])
				if (typeof owner[k] === "string")
					return owner[k];
		var cm = /^industry\.cohorts\[(\d+)\]\.(.*)$/.exec(path);
		var cohort = cm ? cohortNames[+cm[1]] : null, rest = cm ? cm[2] : path;
		for (var i = 0; i < rows.length; i++) {
			var r = rows[i], keys, src;
			if (r.length >= 4 && cohort !== null) {
				if (r[0] !== cohort)
					continue;
				keys = r[1];
				src = r[3];
			} else if (r.length === 3 && cohort === null) {
				keys = r[0];
				src = r[2];
			} else {
				continue;
			}
			var hit = keys.split(/,\s*/).some(function (key) {
				key = key.trim().split(" ")[0];
				if (!key || key === "Key")
					return false;
				return rest === key || rest.indexOf(key + ".") === 0 ||
					rest.split(/[.\[\]]/).indexOf(key) >= 0 ||
					rest.split(/[.\[\]]/).some(function (seg) { return seg.indexOf(key + "_") === 0; });
			});
			if (hit)
				return src;
		}
		return null;
	}

	function assumptions() {
		var s = section("assumptions", "Assumptions and their sources");

		s.appendChild(el("h3", {text: "Options of the command"}));
		s.appendChild(el("p", {"class": "note", text: "Every option of 'hashpivot " + I.command +
			"': the value given on the command line, or its default as the usage text states it."}));
		table(s, [
			["option", function (o) { return o.spec; }],
			["given", function (o) { return o.given || "default"; }],
			["meaning and default", function (o) { return o.text; }, false, "src"]
		], options(), function (o) { return o.given ? "given" : ""; });

		var rows = [];
		/* only the scenario sections list scenario keys */
		(I.sources || []).forEach(function (x) {
			if (/^Scenario /.test(x.heading))
				rows = rows.concat(mdRows(x.text));
		});
		if (I.scenario) {
			var names = (I.scenario.industry && I.scenario.industry.cohorts || []).map(function (c) { return c.name; });
			s.appendChild(el("h3", {text: "Scenario: " + I.scenario_file}));
			s.appendChild(el("p", {"class": "note", text: "Every value of the scenario file " +
				"(options above override market.paths, market.seed and the horizon). Sources: " +
				"the file's own source notes where it has them, else data/SOURCES.md where it " +
				"names the key, else the scenario file itself."}));
			var L = leaves(I.scenario, "", [], null);
			table(s, [
				["field", function (l) { return l[0]; }],
				["value", function (l) { return l[1]; }],
				["source", function (l) {
					return sourceOf(l[0], l[2], rows, names) || "the scenario file";
				}, false, "src"]
			], L.filter(function (l) { return !/\.(source|sources|notes|note)$/.test(l[0]); }));
		} else if (I.scenario_file) {
			s.appendChild(el("p", {text: "Scenario file " + I.scenario_file + " (could not be read back)."}));
		}
		if (R.difficulty !== undefined && !I.scenario) {
			s.appendChild(el("h3", {text: "Network state"}));
			table(s, [["input", function (x) { return x[0]; }], ["value", function (x) { return x[1]; }]],
			      [["difficulty", R.difficulty], ["bits", R.bits || "-"], ["height", R.height],
			       ["fees per block, BTC", R.fees_btc], ["BTC price, USD", R.price_usd],
			       ["pool fee, %", R.pool_fee_pct]].filter(function (x) { return x[1] !== undefined; }));
		}
		s.appendChild(el("h3", {text: "Shipped data"}));
		if (!I.sources || !I.sources.length) {
			s.appendChild(el("p", {text: "No data/SOURCES.md was found beside the data; see the " +
				"hashpivot source tree for the provenance of the shipped files."}));
			return;
		}
		I.sources.forEach(function (x) {
			var para = x.text.trim().split(/\n\s*\n/)[0];
			s.appendChild(el("p", {}, [el("strong", {text: x.heading.replace(/`/g, "")}), ": " + para.replace(/\s+/g, " ")]));
			s.appendChild(el("details", {}, [el("summary", {text: "data/SOURCES.md, the whole section"}),
							  el("pre", {text: x.text.trim()})]));
		});
	}

	/* ------------------------------------------------------------ */
	/* backtest: one history, day by day                              */
	/* ------------------------------------------------------------ */

	function backtest() {
		var D = R.daily || [], dates = D.map(function (d) { return d.date; });
		var col = function (k) { return D.map(function (d) { return d[k]; }); };

		qa("What would the fleet of \"" + R.scenario + "\" have earned and cost, and what " +
		   "would its treasury have held, from " + R.from + " to " + R.to + " (" + R.days +
		   " days of real history)?",
		   "It would have mined " + F(R.btc_mined, "btc") + " for " + F(R.revenue_usd, "usd") +
		   " at a cash cost of " + F(R.cost_per_btc_cash_usd, "usd") + " per BTC (all-in " +
		   F(R.cost_per_btc_all_in_usd, "usd") + "), ending with " +
		   F(R.end_treasury_btc, "btc") + " and " + F(R.end_treasury_cash_usd, "usd") +
		   " in its treasury.");

		var s = section("figures", "Key figures");
		figures(s, [
			["BTC mined", F(R.btc_mined, "btc"), R.days + " days at " + F(R.hashrate_phs, "ph")],
			["Revenue", F(R.revenue_usd, "usd"), "mean BTC price " + F(R.avg_price_usd, "usd")],
			["Cost per BTC, cash", F(R.cost_per_btc_cash_usd, "usd"),
			 "marginal " + F(R.cost_per_btc_marginal_usd, "usd")],
			["Cost per BTC, all-in", F(R.cost_per_btc_all_in_usd, "usd"), ""],
			["Cash margin", F(R.cash_margin_usd, "usd"), "net " + F(R.net_usd, "usd")],
			["Mean hashprice", F(R.mean_hashprice_usd_per_ph_day, "usd") + "/PH/day", ""],
			["Treasury at the end", F(R.end_treasury_btc, "btc"),
			 F(R.end_treasury_cash_usd, "usd") + " cash, " + F(R.end_treasury_debt_usd, "usd") +
			 " debt"],
			["BTC sold", F(R.sold_btc, "btc"), R.margin_calls + " margin calls"],
			["Network data", R.network_source, R.price_days_db + " price days from the database, " +
			 R.price_days_shipped + " shipped"]
		]);

		s = section("days", "Day by day");
		var g = grid(s);
		HPCharts.lines(chartBox(g, "BTC price", "price_usd"),
			       {labels: dates, unit: "usd", series: [{name: "close", values: col("price_usd")}]});
		HPCharts.lines(chartBox(g, "Hashprice, USD per PH/s per day", "hashprice_usd_per_ph_day"),
			       {labels: dates, unit: "usd",
				series: [{name: "hashprice", values: col("hashprice_usd_per_ph_day")}]});
		HPCharts.lines(chartBox(g, "Revenue and costs per day", "revenue_usd, cost_*_usd"),
			       {labels: dates, unit: "usd", series: [
				       {name: "revenue", values: col("revenue_usd")},
				       {name: "cost, marginal", values: col("cost_marginal_usd")},
				       {name: "cost, cash", values: col("cost_cash_usd")},
				       {name: "cost, all-in", values: col("cost_all_in_usd")}]});
		HPCharts.lines(chartBox(g, "BTC mined per day", "btc_mined"),
			       {labels: dates, unit: "btc", series: [{name: "mined", values: col("btc_mined")}]});
		HPCharts.lines(chartBox(g, "BTC treasury", "treasury_btc"),
			       {labels: dates, unit: "btc", series: [{name: "BTC", values: col("treasury_btc")}]});
		HPCharts.lines(chartBox(g, "Treasury cash, debt and net worth", "treasury_*_usd"),
			       {labels: dates, unit: "usd", series: [
				       {name: "net worth", values: col("treasury_net_usd")},
				       {name: "cash", values: col("treasury_cash_usd")},
				       {name: "debt", values: col("treasury_debt_usd")}]});
		HPCharts.lines(chartBox(g, "Difficulty", "difficulty"),
			       {labels: dates, unit: "", series: [{name: "difficulty", values: col("difficulty")}]});
		HPCharts.lines(chartBox(g, "Fees per block", "fees_btc_per_block"),
			       {labels: dates, unit: "btc",
				series: [{name: "fees", values: col("fees_btc_per_block")}]});

		s = section("months", "Month by month");
		table(s, [
			["month", function (m) { return m.month; }],
			["BTC mined", function (m) { return F(m.btc_mined, "btc"); }, true],
			["revenue", function (m) { return F(m.revenue_usd, "usd"); }, true],
			["cash cost", function (m) { return F(m.cost_cash_usd, "usd"); }, true],
			["all-in cost", function (m) { return F(m.cost_all_in_usd, "usd"); }, true],
			["price", function (m) { return F(m.price_usd, "usd"); }, true],
			["treasury BTC", function (m) { return F(m.treasury_btc, "btc"); }, true],
			["net worth", function (m) { return F(m.treasury_net_usd, "usd"); }, true]
		], R.months || []);
	}

	function reproduce() {
		var s = section("reproduce", "Reproduce");

		s.appendChild(el("p", {text: "Made by hashpivot " + I.version +
			(typeof R.seed === "number" ? " with seed " + R.seed : " (no random draws)") +
			". The same version and command give the same numbers" +
			(typeof R.seed === "number" ? " for any --threads" : "") + ":"}));
		s.appendChild(el("pre", {"class": "cmd", id: "command-line", text: I.command_line}));
		s.appendChild(el("p", {"class": "note", text: "The data above is embedded in this file: " +
			"the script element hp-result holds the command's --json output unchanged."}));
	}

	var render = {simulate: simulate, pivot: pivot, treasury: treasury, fleet: fleet,
		      breakeven: breakeven, backtest: backtest};

	header();
	try {
		render[I.command]();
	} catch (e) {
		root.appendChild(el("p", {"class": "bad", id: "report-error",
			text: "This report could not be drawn: " + e.message}));
		throw e;
	}
	assumptions();
	reproduce();
	root.appendChild(el("footer", {text: "hashpivot " + I.version + " - an open-source engine " +
		"for Bitcoin-mining economics. Charts: Chart.js 3.9.1 (MIT)."}));
	document.documentElement.setAttribute("data-report", "ready");
})();
