/**
 * The page's own script: reads the chart data from `#report-data` and draws the charts with uPlot (inlined before it).
 * Plain ES2017 in a string, run by the browser; every figure it shows is also in the page's tables, drawn in code here.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var css = getComputedStyle(document.documentElement);
  var ink = css.getPropertyValue('--ink').trim() || '#222';
  var accent = css.getPropertyValue('--accent').trim() || '#3b6ea5';
  function width(el) { return Math.max(320, Math.min(960, el.clientWidth || 640)); }
  function axes(xValues, yValues) {
    return [
      { stroke: ink, values: xValues, grid: { show: false } },
      { stroke: ink, values: yValues, size: 64, grid: { stroke: 'rgba(127,127,127,0.2)' } }
    ];
  }
  function ticks(fmt) { return function (u, splits) { return splits.map(fmt); }; }
  function bars(id, labels, values, label, fmt) {
    var el = document.getElementById(id);
    if (!el || !labels.length) return;
    var xs = labels.map(function (_, i) { return i; });
    new uPlot({
      width: width(el), height: 220, legend: { show: false },
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.1 : 1]; } } },
      axes: axes(ticks(function (s) { return Number.isInteger(s) && labels[s] !== undefined ? labels[s] : ''; }), ticks(fmt)),
      series: [{}, { label: label, fill: accent, stroke: accent, paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false }, value: function (u, v) { return v == null ? '' : fmt(v); } }]
    }, [xs, values], el);
  }
  var m = data.models, s = data.steps, t = data.timeline, h = data.histogram;
  var usd = function (v) { return '$' + (v < 0.01 ? v.toFixed(4) : v.toFixed(2)); };
  var count = function (v) { return Number.isInteger(v) ? String(v) : ''; };
  bars('chart-models', m.labels, m.cost, 'cost (USD)', usd);
  bars('chart-steps', s.labels, s.cost, 'cost (USD)', usd);
  bars('chart-tokens', h.labels, h.jobs, 'jobs', count);
  var tl = document.getElementById('chart-timeline');
  if (tl && t.t.length) {
    var none = function () { return null; };
    new uPlot({
      width: width(tl), height: 260,
      scales: { x: { time: false }, y: { range: function (u, lo, hi) { return [0, Math.max(1, hi) * 1.1]; } } },
      axes: axes(ticks(function (v) { return v + ' s'; }), ticks(count)),
      series: [
        { label: 'seconds' },
        { label: 'calls in flight', stroke: accent, width: 2, fill: 'rgba(59,110,165,0.15)', paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        { label: 'throttled (429)', stroke: '#d98c00', paths: none, points: { show: true, size: 9, fill: '#d98c00' } },
        { label: 'failed', stroke: '#c0392b', paths: none, points: { show: true, size: 9, fill: '#c0392b' } }
      ]
    }, [t.t, t.inFlight, t.throttled, t.errors], tl);
  }
  document.documentElement.setAttribute('data-charts', String(document.querySelectorAll('canvas').length));
})();`;
