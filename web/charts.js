/*
 * charts.js - hashpivot's chart helpers on top of Chart.js 3 (the global
 * `Chart`, Debian's libjs-chart.js), shared by the self-contained HTML
 * reports (src/cli/report.c inlines this file) and the page of
 * `hashpivot serve`. A plain script with no dependency but Chart.js: it
 * defines one global, window.HPCharts.
 *
 * Every chart is drawn into a container element (an element or its id)
 * that should have a height set by CSS (e.g. .hp-chart { height: 300px });
 * the helper puts a <canvas> inside it, replacing any chart it drew there
 * before, and returns the Chart. Once the chart has been rendered the
 * container gets data-drawn="1" (the browser tests look for it).
 * Animation is off so that a print or a screenshot is always complete.
 *
 *   HPCharts.fan(el, opts)     quantile fan over time: p5-p95 band,
 *                              p25-p75 band, p50 line, optional mean line
 *   HPCharts.bars(el, opts)    bars (horizontal: a ladder), one or several
 *                              groups of values per label
 *   HPCharts.lines(el, opts)   one or several lines over time (one history,
 *                              e.g. a backtest): {labels, unit, series:
 *                              [{name, values}]}
 *   HPCharts.ranges(el, opts)  per label a p5-p95 bar, a p25-p75 bar and a
 *                              p50 tick (distributions, e.g. NPV per strategy)
 *   HPCharts.fmt(v, unit[, digits]) a number for people: "$1.23M", "93,896 BTC",
 *                              "1,034 EH/s", "12.3 %"
 *   HPCharts.quantiles(points) [{date, p5, ..., mean}] (the --json series
 *                              shape) to {labels, p5: [...], ..., mean: [...]}
 *
 * Units (opts.unit, fmt's unit): "usd", "btc", "eh" (EH/s), "ph" (PH/s),
 * "th" (TH/s), "pct", "mw", "gw", "days", "s", or "" (a plain number).
 */
(function (global) {
	"use strict";

	var COLORS = ["#1f5fa8", "#c8553d", "#2a9d8f", "#8d6a9f", "#e9a03b",
		"#5c6b73", "#6a994e", "#b5838d", "#33658a", "#bc4749"];
	var BAND_OUTER = "rgba(31, 95, 168, 0.15)";
	var BAND_INNER = "rgba(31, 95, 168, 0.32)";
	var LINE = "#1f5fa8";
	var MEAN = "#c8553d";

	var SUFFIX = {
		btc: " BTC", eh: " EH/s", ph: " PH/s", th: " TH/s", pct: " %",
		mw: " MW", gw: " GW", days: " days", s: " s"
	};

	/* n with at most `digits` significant digits and thousands separators */
	function plain(v, digits) {
		var a = Math.abs(v), maxfd;

		if (a === 0)
			return "0";
		maxfd = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
		return v.toLocaleString("en-US", {
			maximumFractionDigits: Math.min(maxfd, 8),
			minimumFractionDigits: 0
		});
	}

	/* 1.23k, 4.56M, 7.89B, 1.2T for large values; plain below 10,000;
	 * `digits` significant digits (3 unless given) */
	function compact(v, digits) {
		var a = Math.abs(v), steps = [[1e15, 1e15, "P"], [1e12, 1e12, "T"],
			[1e9, 1e9, "B"], [1e6, 1e6, "M"], [1e4, 1e3, "k"]];

		for (var i = 0; i < steps.length; i++)
			if (a >= steps[i][0])
				return plain(v / steps[i][1], digits || 3) + steps[i][2];
		return plain(v, Math.max(digits || 3, a >= 100 ? 4 : 3));
	}

	/*
	 * v for a reader: null, undefined and non-finite values show as "-"
	 * (the --json writes null where a value does not exist).
	 */
	function fmt(v, unit, digits) {
		if (v === null || v === undefined || typeof v !== "number" || !isFinite(v))
			return "-";
		if (unit === "usd")
			return (v < 0 ? "-$" : "$") + compact(Math.abs(v), digits);
		if (unit === "pct")
			return plain(v, digits || 3) + " %";
		return compact(v, digits) + (SUFFIX[unit] || "");
	}

	/*
	 * An axis tick: enough significant digits that neighbouring ticks differ
	 * (a series that barely moves, such as a renewable share of 57.1-57.3 %,
	 * would otherwise label every tick alike).
	 */
	function tick(v, ticks, unit) {
		var step = ticks && ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : 0;
		var digits = 3;

		if (step > 0 && v !== 0)
			digits = Math.min(10, Math.max(3,
				Math.floor(Math.log10(Math.abs(v) / step)) + 2));
		return fmt(v, unit, digits);
	}

	function quantiles(points) {
		var q = {labels: [], p5: [], p25: [], p50: [], p75: [], p95: [], mean: []};
		var keys = ["p5", "p25", "p50", "p75", "p95", "mean"];

		(points || []).forEach(function (p) {
			q.labels.push(p.date !== undefined ? p.date :
				p.month !== undefined ? String(p.month) : String(p.day));
			keys.forEach(function (k) {
				q[k].push(typeof p[k] === "number" ? p[k] : null);
			});
		});
		return q;
	}

	function element(el) {
		var e = typeof el === "string" ? document.getElementById(el) : el;

		if (!e)
			throw new Error("HPCharts: no element " + el);
		return e;
	}

	/* A fresh canvas in el (destroying a chart drawn there before). */
	function canvas(el) {
		var c = document.createElement("canvas");

		if (el.hpChart) {
			el.hpChart.destroy();
			el.hpChart = null;
		}
		el.removeAttribute("data-drawn");
		el.innerHTML = "";
		el.appendChild(c);
		return c;
	}

	/* Marks the container once Chart.js has really drawn the chart. */
	var drawnPlugin = {
		id: "hpDrawn",
		afterRender: function (chart) {
			var el = chart.canvas && chart.canvas.parentNode;

			if (el && chart.chartArea && chart.chartArea.width > 0)
				el.setAttribute("data-drawn", "1");
		}
	};

	/* A long category label as lines of at most width characters. */
	function wrap(label, width) {
		var words = String(label).split(" "), lines = [], cur = "";

		words.forEach(function (w) {
			if (cur && (cur + " " + w).length > width) {
				lines.push(cur);
				cur = w;
			} else {
				cur = cur ? cur + " " + w : w;
			}
		});
		if (cur)
			lines.push(cur);
		return lines.length > 1 ? lines : String(label);
	}

	function wrapAll(labels, horizontal) {
		return horizontal ? labels.map(function (l) { return wrap(l, 28); }) : labels;
	}

	function baseOptions(opts, valueAxis, valueUnit) {
		var o = {
			animation: false,
			responsive: true,
			maintainAspectRatio: false,
			normalized: true,
			interaction: {mode: "index", intersect: false},
			plugins: {
				title: {display: !!opts.title, text: opts.title || ""},
				legend: {display: opts.legend !== false, position: "bottom"},
				tooltip: {
					callbacks: {
						label: function (ctx) {
							var raw = ctx.raw, v;

							if (Array.isArray(raw))
								return ctx.dataset.label + ": " +
									fmt(raw[0], valueUnit) + " to " +
									fmt(raw[1], valueUnit);
							v = valueAxis === "x" ? ctx.parsed.x : ctx.parsed.y;
							return ctx.dataset.label + ": " + fmt(v, valueUnit);
						}
					}
				}
			},
			scales: {}
		};
		o.scales[valueAxis] = {
			type: opts.log ? "logarithmic" : "linear",
			title: {display: !!opts.axisTitle, text: opts.axisTitle || ""},
			ticks: {callback: function (v, i, ticks) { return tick(Number(v), ticks, valueUnit); }}
		};
		return o;
	}

	function draw(el, config) {
		var e = element(el), chart;

		config.plugins = (config.plugins || []).concat([drawnPlugin]);
		chart = new global.Chart(canvas(e), config);
		e.hpChart = chart;
		return chart;
	}

	/*
	 * A quantile fan over time. opts: title, unit, axisTitle, log (a log
	 * value axis), mean (draw the mean line too; default true when the
	 * data has one), and either points (the --json series: an array of
	 * {date|month|day, p5, p25, p50, p75, p95, mean}) or labels with the
	 * arrays p5, p25, p50, p75, p95 (and mean).
	 */
	function fan(el, opts) {
		var q = opts.points ? quantiles(opts.points) : opts;
		var hasMean = q.mean && q.mean.some(function (v) { return v !== null; });
		var pts = q.labels.length > 60 ? 0 : 2;
		var ds = [
			{label: "p95", data: q.p95, borderWidth: 0, pointRadius: 0,
			 backgroundColor: BAND_OUTER, fill: false},
			{label: "p5 to p95", data: q.p5, borderWidth: 0, pointRadius: 0,
			 backgroundColor: BAND_OUTER, fill: "-1"},
			{label: "p75", data: q.p75, borderWidth: 0, pointRadius: 0,
			 backgroundColor: BAND_INNER, fill: false},
			{label: "p25 to p75", data: q.p25, borderWidth: 0, pointRadius: 0,
			 backgroundColor: BAND_INNER, fill: "-1"},
			{label: "median", data: q.p50, borderColor: LINE, borderWidth: 2,
			 pointRadius: pts, backgroundColor: LINE, fill: false}
		];
		var options = baseOptions(opts, "y", opts.unit);

		if (hasMean && opts.mean !== false)
			ds.push({label: "mean", data: q.mean, borderColor: MEAN, borderWidth: 1.5,
				 borderDash: [6, 4], pointRadius: 0, fill: false});
		options.scales.x = {ticks: {maxTicksLimit: 12, autoSkip: true}};
		/* the band edges are not series of their own in the legend */
		options.plugins.legend.labels = {
			filter: function (item) { return item.text !== "p95" && item.text !== "p75"; }
		};
		options.elements = {line: {tension: 0}};
		return draw(el, {type: "line", data: {labels: q.labels, datasets: ds}, options: options});
	}

	/*
	 * Bars. opts: title, unit, axisTitle, labels, and either values (one
	 * series; its name in opts.name) or groups ([{name, values}], grouped
	 * bars); horizontal (a ladder, labels down the side; default true when
	 * there are more than 8 labels); colors (one per bar of a single
	 * series, e.g. to pick out the machines that lose money); refLine
	 * ({value, label}: a dashed line across the chart, e.g. today's price).
	 */
	function lines(el, opts) {
		var options = baseOptions(opts, "y", opts.unit);
		var ds = opts.series.map(function (x, i) {
			return {label: x.name, data: x.values, borderColor: COLORS[i % COLORS.length],
				backgroundColor: COLORS[i % COLORS.length], borderWidth: i ? 1.5 : 2,
				pointRadius: opts.labels.length > 60 ? 0 : 2, fill: false};
		});

		options.scales.x = {ticks: {maxTicksLimit: 12, autoSkip: true}};
		options.plugins.legend.display = ds.length > 1;
		options.elements = {line: {tension: 0}};
		return draw(el, {type: "line", data: {labels: opts.labels, datasets: ds}, options: options});
	}

	function bars(el, opts) {
		var groups = opts.groups || [{name: opts.name || "", values: opts.values}];
		var horizontal = opts.horizontal !== undefined ? opts.horizontal : opts.labels.length > 8;
		var vaxis = horizontal ? "x" : "y";
		var options = baseOptions(opts, vaxis, opts.unit);
		var ds = groups.map(function (g, i) {
			return {
				label: g.name, data: g.values,
				backgroundColor: groups.length === 1 && opts.colors ? opts.colors :
					COLORS[i % COLORS.length]
			};
		});
		var plugins = [];

		options.indexAxis = horizontal ? "y" : "x";
		options.interaction = {mode: "nearest", axis: horizontal ? "y" : "x", intersect: false};
		options.plugins.legend.display = groups.length > 1;
		options.scales[horizontal ? "y" : "x"] = {ticks: {autoSkip: false}};
		if (opts.refLine && typeof opts.refLine.value === "number")
			plugins.push(refLinePlugin(opts.refLine, vaxis));
		return draw(el, {type: "bar", data: {labels: wrapAll(opts.labels, horizontal), datasets: ds},
				 options: options, plugins: plugins});
	}

	/* A dashed line at a value across the value axis, with its label. */
	function refLinePlugin(ref, vaxis) {
		return {
			id: "hpRefLine",
			afterDatasetsDraw: function (chart) {
				var s = chart.scales[vaxis], a = chart.chartArea, c = chart.ctx;
				var p = s.getPixelForValue(ref.value);

				c.save();
				c.strokeStyle = MEAN;
				c.setLineDash([5, 4]);
				c.beginPath();
				if (vaxis === "x") {
					c.moveTo(p, a.top);
					c.lineTo(p, a.bottom);
				} else {
					c.moveTo(a.left, p);
					c.lineTo(a.right, p);
				}
				c.stroke();
				c.fillStyle = MEAN;
				c.font = "12px sans-serif";
				if (ref.label)
					c.fillText(ref.label, vaxis === "x" ? p + 4 : a.left + 4,
						   vaxis === "x" ? a.top + 12 : p - 4);
				c.restore();
			}
		};
	}

	/*
	 * Distributions side by side: per label a light bar from p5 to p95, a
	 * darker one from p25 to p75 and a tick at the median (and a dot at
	 * the mean). opts: title, unit, axisTitle, labels, p5, p25, p50, p75,
	 * p95 (arrays, one value per label), mean (optional), horizontal
	 * (default true), refLine as for bars (e.g. 0 for NPV).
	 */
	function ranges(el, opts) {
		var horizontal = opts.horizontal !== false;
		var vaxis = horizontal ? "x" : "y";
		var options = baseOptions(opts, vaxis, opts.unit);
		var pair = function (lo, hi) {
			return lo.map(function (v, i) {
				return v === null || hi[i] === null ? null : [v, hi[i]];
			});
		};
		var ds = [
			{label: "p5 to p95", data: pair(opts.p5, opts.p95),
			 backgroundColor: BAND_OUTER, borderColor: LINE, borderWidth: 1,
			 grouped: false, barPercentage: 0.7},
			{label: "p25 to p75", data: pair(opts.p25, opts.p75),
			 backgroundColor: BAND_INNER, grouped: false, barPercentage: 0.7}
		];
		var plugins = [medianPlugin(opts.p50, opts.mean, vaxis)];

		options.indexAxis = horizontal ? "y" : "x";
		options.scales[horizontal ? "y" : "x"] = {ticks: {autoSkip: false}};
		if (opts.refLine && typeof opts.refLine.value === "number")
			plugins.push(refLinePlugin(opts.refLine, vaxis));
		return draw(el, {type: "bar", data: {labels: wrapAll(opts.labels, horizontal), datasets: ds},
				 options: options, plugins: plugins});
	}

	/* The median tick (and mean dot) of each bar of a ranges chart. */
	function medianPlugin(p50, mean, vaxis) {
		return {
			id: "hpMedian",
			afterDatasetsDraw: function (chart) {
				var meta = chart.getDatasetMeta(0), s = chart.scales[vaxis], c = chart.ctx;

				c.save();
				meta.data.forEach(function (bar, i) {
					var half = (vaxis === "x" ? bar.height : bar.width) / 2, p;

					if (typeof p50[i] === "number") {
						p = s.getPixelForValue(p50[i]);
						c.strokeStyle = LINE;
						c.lineWidth = 3;
						c.beginPath();
						if (vaxis === "x") {
							c.moveTo(p, bar.y - half);
							c.lineTo(p, bar.y + half);
						} else {
							c.moveTo(bar.x - half, p);
							c.lineTo(bar.x + half, p);
						}
						c.stroke();
					}
					if (mean && typeof mean[i] === "number") {
						p = s.getPixelForValue(mean[i]);
						c.fillStyle = MEAN;
						c.beginPath();
						if (vaxis === "x")
							c.arc(p, bar.y, 4, 0, 2 * Math.PI);
						else
							c.arc(bar.x, p, 4, 0, 2 * Math.PI);
						c.fill();
					}
				});
				c.restore();
			}
		};
	}

	/* Printing: let every chart take the width of the printed page. */
	if (global.addEventListener) {
		global.addEventListener("beforeprint", function () {
			var all = global.Chart && global.Chart.instances;

			for (var k in all)
				if (Object.prototype.hasOwnProperty.call(all, k))
					all[k].resize();
		});
	}

	global.HPCharts = {
		fan: fan,
		lines: lines,
		bars: bars,
		ranges: ranges,
		fmt: fmt,
		quantiles: quantiles,
		colors: COLORS.slice()
	};
})(typeof window !== "undefined" ? window : this);
