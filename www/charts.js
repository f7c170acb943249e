// Chart helpers on top of the vendored Apache ECharts (global `echarts`,
// loaded as a classic script by index.html): item scatter, score
// distribution, histogram, item curves against θ (characteristic, expected
// score, information), category response curves, test information, lines
// against another x (equated scores, score distributions), bars, labelled
// points over ordered categories (a mesa plot).
//
// CSP note: the page has `style-src 'self'` without 'unsafe-inline'. ECharts
// sets styles through the CSSOM (element.style), which CSP allows; the only
// markup we hand it is tooltip HTML, which uses class names only (styled in
// styles.css) and escapes all text from the user's file.

import { fmt, fmtInt, h } from './format.js';
import { downloadBlob } from './download.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const COLORS = {
  ok: '#1d4ed8',
  flagged: '#b45309',
  guide: '#6b7280',
  bar: '#2563eb',
  text: '#1f2937',
  grid: '#e5e7eb',
};

/** True when ECharts loaded (it is a separate file and might be blocked). */
export function chartsAvailable() {
  return typeof globalThis.echarts?.init === 'function';
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const observers = new WeakMap(); // container -> ResizeObserver

/** Creates (or re-creates) a chart in `container` and keeps it sized. */
function initChart(container, option) {
  disposeChart(container);
  const chart = globalThis.echarts.init(container, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: FONT, color: COLORS.text },
    // The container carries its own role=img + aria-label (set by the tool),
    // and the same numbers are in the item table, so ECharts' aria is off.
    aria: { enabled: false },
    ...option,
  });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(container);
  observers.set(container, observer);
  return chart;
}

export function disposeChart(container) {
  observers.get(container)?.disconnect();
  observers.delete(container);
  globalThis.echarts?.getInstanceByDom(container)?.dispose();
}

const tooltipBase = {
  confine: true,
  className: 'chart-tooltip',
  borderColor: '#d1d5db',
  textStyle: { fontFamily: FONT, color: COLORS.text, fontSize: 13 },
};

/**
 * Scatter of item difficulty (p, x) against item-rest correlation (y), with
 * guide lines at the flag thresholds. Flagged items get a different symbol
 * as well as a different colour.
 * @param {HTMLElement} container
 * @param {Array} items  result.items
 * @param {{pLow: number, pHigh: number, rLow: number}} thresholds
 */
export function renderItemScatter(container, items, { pLow = 0.15, pHigh = 0.85, rLow = 0.2 } = {}) {
  const points = items
    .filter((it) => Number.isFinite(it.p_value) && Number.isFinite(it.item_rest_r))
    .map((it) => ({ value: [it.p_value, it.item_rest_r], name: it.item, flags: it.flags ?? [] }));
  const ok = points.filter((p) => p.flags.length === 0);
  const flagged = points.filter((p) => p.flags.length > 0);
  const rs = points.map((p) => p.value[1]);
  const minR = Math.min(0, ...rs);
  // Up to 1, but no more empty space than needed above the highest point.
  const maxR = Math.min(1, Math.max(0.5, Math.ceil((Math.max(...rs, 0) + 0.1) * 10) / 10));
  const showLabels = points.length <= 25;

  const short = (x) => x.toFixed(2).replace(/^0/, ''); // 0.15 -> ".15"
  const guide = (axis, value, label) => ({
    [axis]: value,
    // Vertical lines: label above the plot; horizontal: inside, so it is not clipped.
    label: { formatter: label, position: axis === 'xAxis' ? 'end' : 'insideEndTop', color: COLORS.guide, fontSize: 11 },
  });
  const series = (name, data, color, symbol) => ({
    name,
    type: 'scatter',
    data,
    symbol,
    symbolSize: 11,
    itemStyle: { color, borderColor: '#ffffff', borderWidth: 1 },
    label: {
      show: showLabels,
      position: 'right',
      formatter: (p) => p.name,
      color: COLORS.text,
      fontSize: 11,
    },
    labelLayout: { hideOverlap: true },
    emphasis: { scale: 1.4 },
  });

  return initChart(container, {
    grid: { left: 64, right: 28, top: 40, bottom: 56 },
    legend: { top: 4, right: 8, data: ['Not flagged', 'Flagged'] },
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (p) =>
        `<strong class="chart-tooltip__title">${escapeHtml(p.name)}</strong><br>` +
        `p = ${fmt(p.value[0])}<br>item-rest r = ${fmt(p.value[1])}` +
        (p.data.flags.length ? `<br><span class="chart-tooltip__flags">Flags: ${escapeHtml(p.data.flags.join(', '))}</span>` : ''),
    },
    xAxis: {
      type: 'value',
      name: 'Item difficulty (p-value)',
      nameLocation: 'middle',
      nameGap: 32,
      min: 0,
      max: 1,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'value',
      name: 'Item-rest correlation',
      nameLocation: 'middle',
      nameGap: 44,
      min: Math.floor(minR * 10) / 10,
      max: maxR,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        ...series('Not flagged', ok, COLORS.ok, 'circle'),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: COLORS.guide, type: 'dashed', width: 1 },
          data: [
            guide('xAxis', pLow, `p = ${short(pLow)}`),
            guide('xAxis', pHigh, `p = ${short(pHigh)}`),
            guide('yAxis', rLow, `r = ${short(rLow)}`),
          ],
        },
      },
      series('Flagged', flagged, COLORS.flagged, 'triangle'),
    ],
  });
}

/**
 * Bar chart of the total-score distribution. Gaps between integer scores are
 * filled with zero counts so the shape is honest.
 */
export function renderScoreDistribution(container, distribution, nPersons) {
  let rows = [...distribution].sort((a, b) => a.score - b.score);
  const integers = rows.every((r) => Number.isInteger(r.score));
  if (integers && rows.length > 0) {
    const lo = rows[0].score;
    const hi = rows[rows.length - 1].score;
    if (hi - lo <= 1000) {
      const byScore = new Map(rows.map((r) => [r.score, r.count]));
      rows = [];
      for (let s = lo; s <= hi; s++) rows.push({ score: s, count: byScore.get(s) ?? 0 });
    }
  }
  const total = nPersons || rows.reduce((sum, r) => sum + r.count, 0);

  return initChart(container, {
    grid: { left: 64, right: 20, top: 24, bottom: 56 },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const p = params[0];
        const share = total ? ` (${((100 * p.value) / total).toFixed(1)}%)` : '';
        return `Score ${escapeHtml(p.name)}<br><strong>${fmtInt(p.value)}</strong> persons${share}`;
      },
    },
    xAxis: {
      type: 'category',
      name: 'Total score',
      nameLocation: 'middle',
      nameGap: 32,
      data: rows.map((r) => String(Number.isInteger(r.score) ? r.score : Number(r.score.toFixed(3)))),
    },
    yAxis: {
      type: 'value',
      name: 'Persons',
      nameLocation: 'middle',
      nameGap: 48,
      minInterval: 1,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        name: 'Persons',
        type: 'bar',
        data: rows.map((r) => r.count),
        itemStyle: { color: COLORS.bar },
        barCategoryGap: '12%',
      },
    ],
  });
}

/**
 * Histogram of a continuous score (θ, scale scores): adjacent bars, one per
 * bin { from, to, count }, on a numeric axis, with optional dashed guide
 * lines `marks` [{ value, label }] (e.g. cut scores).
 */
export function renderHistogram(container, { bins, xName, marks = [], digits = 2 }) {
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  const label = (x) => String(Number(Number(x).toFixed(digits)));
  const lo = bins.length ? bins[0].from : 0;
  const hi = bins.length ? bins[bins.length - 1].to : 1;
  const markLo = Math.min(lo, ...marks.map((m) => m.value));
  const markHi = Math.max(hi, ...marks.map((m) => m.value));
  return initChart(container, {
    grid: { left: 64, right: 24, top: marks.length ? 36 : 24, bottom: 56 },
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (p) => {
        const bin = bins[p.dataIndex];
        if (!bin) return '';
        const share = total ? ` (${((100 * bin.count) / total).toFixed(1)}%)` : '';
        return `${escapeHtml(label(bin.from))} to ${escapeHtml(label(bin.to))}<br><strong>${fmtInt(bin.count)}</strong> persons${share}`;
      },
    },
    xAxis: {
      type: 'value',
      name: xName,
      nameLocation: 'middle',
      nameGap: 32,
      min: markLo,
      max: markHi,
      scale: true,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'value',
      name: 'Persons',
      nameLocation: 'middle',
      nameGap: 48,
      minInterval: 1,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        name: 'Persons',
        type: 'bar',
        // Bars at the bins' centres, as wide as a bin (the axis' band is the smallest gap).
        data: bins.map((b) => [(b.from + b.to) / 2, b.count]),
        barWidth: '96%',
        itemStyle: { color: COLORS.bar },
        markLine: marks.length
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: COLORS.flagged, type: 'dashed', width: 1.5 },
              label: { position: 'end', color: COLORS.text, fontSize: 11, formatter: (p) => p.name },
              data: marks.map((m) => ({ xAxis: m.value, name: m.label })),
            }
          : undefined,
      },
    ],
  });
}

// A qualitative palette for one line per item (Okabe-Ito, then Tableau 10);
// lines also differ in dash pattern every 10 items, so colour is not the only cue.
const LINE_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#8c564b', '#7f7f7f', '#bcbd22'];
const LINE_TYPES = ['solid', 'dashed', 'dotted'];

// Tooltip colour swatches. ECharts' own `marker` is HTML with a style
// attribute, which the CSP blocks; these use classes (styles.css) instead.
const swatch = (className) => `<span class="chart-swatch ${className}" aria-hidden="true"></span>`;
const lineSwatch = (seriesIndex) => swatch(`chart-swatch--${seriesIndex % LINE_COLORS.length}`);

/** "1.5" for θ tick labels (no trailing zeros). */
const thetaLabel = (x) => String(Number(Number(x).toFixed(2)));

/** Numbers for a chart: null, NaN and ±Infinity become gaps. */
const finiteOrGap = (values) => (values ?? []).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));

/**
 * One line per item against θ (item characteristic curves, item information).
 * @param {HTMLElement} container
 * @param {{theta: number[], lines: Array<{name: string, values: number[]}>,
 *          yName: string, yMin?: number, yMax?: number, digits?: number}} spec
 */
export function renderItemCurves(container, { theta, lines, yName, yMin, yMax, digits = 3 }) {
  const many = lines.length > 12;
  return initChart(container, {
    color: LINE_COLORS,
    grid: { left: 64, right: 24, top: many ? 24 : 40, bottom: many ? 92 : 56 },
    legend: {
      type: 'scroll',
      ...(many ? { bottom: 4, left: 8, right: 8 } : { top: 4, right: 8, left: 72 }),
      data: lines.map((l) => l.name),
    },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      order: 'valueDesc',
      formatter: (params) => {
        const rows = params
          .filter((p) => p.value?.[1] !== null && p.value?.[1] !== undefined)
          .slice(0, 12)
          .map((p) => `${lineSwatch(p.seriesIndex)}${escapeHtml(p.seriesName)}: <strong>${fmt(p.value[1], digits)}</strong>`);
        const more = params.length > 12 ? `<br>\u2026 and ${params.length - 12} more` : '';
        return `\u03B8 = ${thetaLabel(params[0]?.value?.[0])}<br>${rows.join('<br>')}${more}`;
      },
    },
    xAxis: {
      type: 'value',
      name: 'Latent trait \u03B8',
      nameLocation: 'middle',
      nameGap: 32,
      min: theta[0],
      max: theta[theta.length - 1],
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'value',
      name: yName,
      nameLocation: 'middle',
      nameGap: 44,
      axisLine: { onZero: false },
      min: yMin,
      max: yMax,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: lines.map((line, i) => ({
      name: line.name,
      type: 'line',
      showSymbol: false,
      smooth: false,
      lineStyle: { width: lines.length === 1 ? 3 : 2, type: LINE_TYPES[Math.floor(i / LINE_COLORS.length) % LINE_TYPES.length] },
      emphasis: { focus: 'series' },
      data: finiteOrGap(line.values).map((v, k) => [theta[k], v]),
    })),
  });
}

/**
 * Category response curves of one item: P(X = k | θ) for each category k,
 * one line per category, named after the category's observed score
 * ("score 1", "score 2", ...).
 * @param {HTMLElement} container
 * @param {{theta: number[], scores: number[], curves: number[][]}} spec
 *        curves[k] holds the probabilities of category k at each θ
 */
export function renderCategoryCurves(container, { theta, scores, curves }) {
  return renderItemCurves(container, {
    theta,
    lines: curves.map((values, k) => ({ name: `score ${scores[k] ?? k}`, values })),
    yName: 'Probability',
    yMin: 0,
    yMax: 1,
  });
}

/**
 * Test information (left axis) with the conditional standard error of θ,
 * 1/√I(θ) (right axis, dashed).
 */
export function renderTestInformation(container, { theta, information, se }) {
  const infoData = finiteOrGap(information).map((v, k) => [theta[k], v]);
  const seData = finiteOrGap(se).map((v, k) => [theta[k], v]);
  const seMax = Math.max(0, ...seData.map((p) => p[1] ?? 0));
  return initChart(container, {
    color: [COLORS.ok, COLORS.flagged],
    grid: { left: 64, right: 64, top: 40, bottom: 56 },
    legend: { top: 4, right: 8, data: ['Test information', 'Standard error'] },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      formatter: (params) =>
        `\u03B8 = ${thetaLabel(params[0]?.value?.[0])}<br>` +
        params
          .map((p) => `${swatch(p.seriesIndex === 0 ? 'chart-swatch--information' : 'chart-swatch--se')}${escapeHtml(p.seriesName)}: <strong>${fmt(p.value[1], 3)}</strong>`)
          .join('<br>'),
    },
    xAxis: {
      type: 'value',
      name: 'Latent trait \u03B8',
      nameLocation: 'middle',
      nameGap: 32,
      min: theta[0],
      max: theta[theta.length - 1],
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: [
      {
        type: 'value',
        name: 'Information',
        nameLocation: 'middle',
        nameGap: 44,
        axisLine: { onZero: false },
        min: 0,
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      {
        type: 'value',
        name: 'Standard error',
        nameLocation: 'middle',
        nameGap: 44,
        axisLine: { onZero: false },
        min: 0,
        // Very large SEs far from the items would flatten the rest of the curve.
        max: seMax > 5 ? 5 : null,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: 'Test information',
        type: 'line',
        showSymbol: false,
        lineStyle: { width: 3 },
        areaStyle: { opacity: 0.08 },
        data: infoData,
      },
      {
        name: 'Standard error',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { width: 2, type: 'dashed' },
        data: seData,
      },
    ],
  });
}

/**
 * Lines against a numeric x of any kind (scores, not θ): one line per
 * `lines` entry, each with its own points [x, y] or `values` at the shared
 * `x`. `guide` lines (e.g. the identity) are grey and dashed; `symbols`
 * marks every point (distributions at integer scores). The tooltip names x
 * as `xLabel`.
 * @param {HTMLElement} container
 * @param {{x?: number[], lines: Array<{name: string, values?: number[], points?: Array<[number, number|null]>,
 *          guide?: boolean, symbols?: boolean}>, xName: string, xLabel?: string, yName: string,
 *          xMin?: number, xMax?: number, yMin?: number|Function, yMax?: number|Function, digits?: number}} spec
 *        (yMin, yMax: a number, or ECharts' function of the data's extent {min, max})
 */
export function renderLines(container, { x = [], lines, xName, xLabel = xName, yName, xMin, xMax, yMin, yMax, digits = 3 }) {
  const colorOf = (line, i) => (line.guide ? COLORS.guide : LINE_COLORS[i % LINE_COLORS.length]);
  const swatchOf = (i) => (lines[i]?.guide ? swatch('chart-swatch--guide') : lineSwatch(i));
  const data = (line) => line.points?.map(([px, py]) => [px, finiteOrGap([py])[0]]) ?? finiteOrGap(line.values).map((v, k) => [x[k], v]);
  return initChart(container, {
    color: lines.map(colorOf),
    grid: { left: 64, right: 24, top: 40, bottom: 56 },
    legend: { type: 'scroll', top: 4, right: 8, left: 72, data: lines.map((l) => l.name) },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      formatter: (params) => {
        const rows = params
          .filter((p) => p.value?.[1] !== null && p.value?.[1] !== undefined)
          .map((p) => `${swatchOf(p.seriesIndex)}${escapeHtml(p.seriesName)}: <strong>${fmt(p.value[1], digits)}</strong>`);
        return `${escapeHtml(xLabel)} = ${thetaLabel(params[0]?.value?.[0])}<br>${rows.join('<br>')}`;
      },
    },
    xAxis: {
      type: 'value',
      name: xName,
      nameLocation: 'middle',
      nameGap: 32,
      min: xMin,
      max: xMax,
      axisLine: { onZero: false },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'value',
      name: yName,
      nameLocation: 'middle',
      nameGap: 44,
      axisLine: { onZero: false },
      min: yMin,
      max: yMax,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: lines.map((line, i) => ({
      name: line.name,
      type: 'line',
      showSymbol: Boolean(line.symbols),
      symbolSize: 5,
      smooth: false,
      lineStyle: { color: colorOf(line, i), width: line.guide ? 1.5 : 2.5, type: line.guide ? 'dashed' : LINE_TYPES[Math.floor(i / LINE_COLORS.length) % LINE_TYPES.length] },
      itemStyle: { color: colorOf(line, i) },
      emphasis: { focus: 'series' },
      data: data(line),
    })),
  });
}

/**
 * Grouped bars over named categories (e.g. attributes): one bar per series in
 * each category, series told apart by colour and by the legend, with an
 * optional dashed guide line at y = `guide` (e.g. 0.5 for mastery). Values
 * that are not finite numbers leave a gap.
 * @param {HTMLElement} container
 * @param {{categories: string[], series: Array<{name: string, values: number[]}>, xName?: string,
 *          yName: string, yMin?: number, yMax?: number, guide?: {value: number, label: string}, digits?: number}} spec
 */
export function renderBars(container, { categories, series, xName = '', yName, yMin, yMax, guide = null, digits = 3 }) {
  const rotate = categories.length > 12 || categories.some((c) => String(c).length > 10) ? 30 : 0;
  return initChart(container, {
    color: LINE_COLORS,
    grid: { left: 64, right: 24, top: series.length > 1 ? 40 : 24, bottom: rotate ? 80 : 56 },
    legend: series.length > 1 ? { type: 'scroll', top: 4, right: 8, left: 72, data: series.map((s) => s.name) } : undefined,
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) =>
        `<strong class="chart-tooltip__title">${escapeHtml(params[0]?.name ?? '')}</strong><br>` +
        params.map((p) => `${lineSwatch(p.seriesIndex)}${escapeHtml(p.seriesName)}: <strong>${fmt(p.value, digits)}</strong>`).join('<br>'),
    },
    xAxis: {
      type: 'category',
      name: xName,
      nameLocation: 'middle',
      nameGap: rotate ? 58 : 32,
      data: categories.map(String),
      axisLabel: { rotate, interval: 0 },
    },
    yAxis: {
      type: 'value',
      name: yName,
      nameLocation: 'middle',
      nameGap: 44,
      min: yMin,
      max: yMax,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: series.map((s, i) => ({
      name: s.name,
      type: 'bar',
      data: finiteOrGap(s.values),
      barGap: '10%',
      barCategoryGap: series.length > 1 ? '25%' : '40%',
      markLine:
        guide && i === 0
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: COLORS.guide, type: 'dashed', width: 1 },
              label: { formatter: guide.label, position: 'insideEndTop', color: COLORS.guide, fontSize: 11 },
              data: [{ yAxis: guide.value }],
            }
          : undefined,
    })),
  });
}

/**
 * Labelled points over ordered categories (e.g. numbers of attributes): each
 * series' points { x (a category), y, label (shown beside the point, e.g. a
 * q-vector, and in the tooltip's title; `showLabels: false` keeps it to the
 * tooltip), note? (added to the tooltip) }, joined by a line (`line`, the
 * default) or standing alone (`line: false`, e.g. rings around points of
 * another series: `symbol: 'emptyCircle'`, a larger `symbolSize`). Series
 * differ in colour (colour-blind safe) and symbol and are named in the
 * legend; an optional dashed guide line at y = `guide.value` (e.g. a
 * threshold). Values that are not finite numbers leave a gap.
 * @param {HTMLElement} container
 * @param {{categories: Array<string|number>, series: Array<{name: string,
 *          points: Array<{x: string|number, y: number|null, label?: string, note?: string}>,
 *          line?: boolean, symbol?: string, symbolSize?: number, showLabels?: boolean, labelPosition?: string}>,
 *          xName: string, yName: string, yMin?: number, yMax?: number,
 *          guide?: {value: number, label: string}, digits?: number}} spec
 */
export function renderLabelledPoints(container, { categories, series, xName, yName, yMin, yMax, guide = null, digits = 3 }) {
  const colorOf = (i) => LINE_COLORS[i % LINE_COLORS.length];
  // In a narrow chart (also after a resize) every other label of a line moves below its point, so neighbours do not collide.
  const narrow = () => (container.clientWidth - 96) / Math.max(1, categories.length) < 72;
  const labelLayout = (s) => (params) =>
    s.line !== false && params.dataIndex % 2 === 1 && narrow() ? { dy: params.labelRect.height + params.rect.height + 6, hideOverlap: true } : { hideOverlap: true };
  return initChart(container, {
    color: series.map((_, i) => colorOf(i)),
    grid: { left: 64, right: 32, top: 56, bottom: 56 },
    legend: series.length > 1 ? { type: 'scroll', top: 4, right: 8, left: 72, data: series.map((s) => s.name) } : undefined,
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (p) =>
        `${p.name ? `<strong class="chart-tooltip__title">${escapeHtml(p.name)}</strong><br>` : ''}` +
        `${lineSwatch(p.seriesIndex)}${escapeHtml(p.seriesName)}<br>` +
        `${escapeHtml(xName)}: ${escapeHtml(p.value[0])}<br>${escapeHtml(yName)}: <strong>${fmt(p.value[1], digits)}</strong>` +
        (p.data.note ? `<br>${escapeHtml(p.data.note)}` : ''),
    },
    xAxis: {
      type: 'category',
      name: xName,
      nameLocation: 'middle',
      nameGap: 32,
      data: categories.map(String),
      axisTick: { alignWithLabel: true },
    },
    yAxis: {
      type: 'value',
      name: yName,
      nameLocation: 'middle',
      nameGap: 44,
      min: yMin,
      max: yMax,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: series.map((s, i) => ({
      name: s.name,
      type: s.line === false ? 'scatter' : 'line',
      symbol: s.symbol ?? 'circle',
      symbolSize: s.symbolSize ?? 9,
      showSymbol: true,
      lineStyle: s.line === false ? undefined : { width: 2, type: LINE_TYPES[Math.floor(i / LINE_COLORS.length) % LINE_TYPES.length] },
      itemStyle: { color: colorOf(i), ...(String(s.symbol ?? '').startsWith('empty') ? { borderWidth: 2 } : {}) },
      label: {
        show: s.showLabels !== false,
        position: s.labelPosition ?? 'top',
        formatter: (p) => p.name,
        color: COLORS.text,
        fontSize: 11,
      },
      labelLayout: labelLayout(s),
      emphasis: { scale: 1.3 },
      // Rings and other lone markers under the line's points, so they circle them.
      z: s.line === false ? 1 : 2,
      data: s.points.map((pt) => ({ value: [String(pt.x), finiteOrGap([pt.y])[0]], name: pt.label ?? '', note: pt.note ?? null })),
      markLine:
        guide && i === 0
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: COLORS.guide, type: 'dashed', width: 1 },
              label: { formatter: guide.label, position: 'insideStartTop', color: COLORS.guide, fontSize: 11 },
              data: [{ yAxis: guide.value }],
            }
          : undefined,
    })),
  });
}

/** PNG of a chart (white background, 2x resolution) as a Blob. */
export function chartPngBlob(container) {
  const chart = globalThis.echarts?.getInstanceByDom(container);
  if (!chart) return null;
  const dataUrl = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
  // Decode locally: fetch(dataUrl) would be blocked by connect-src 'self'.
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: 'image/png' });
}

/**
 * SVG of a chart (white background, the chart's size) as a Blob: the chart's
 * option redrawn by ECharts' SVG renderer without a DOM (server-side mode),
 * so text stays text and lines stay vectors for reports and print.
 */
export function chartSvgBlob(container) {
  const echarts = globalThis.echarts;
  const chart = echarts?.getInstanceByDom(container);
  if (!chart) return null;
  const svgChart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() });
  try {
    svgChart.setOption({ ...chart.getOption(), animation: false, backgroundColor: '#ffffff' });
    return new Blob([svgChart.renderToSVGString()], { type: 'image/svg+xml' });
  } finally {
    svgChart.dispose();
  }
}

/**
 * A chart's <figure>: caption, "PNG" and "SVG" download buttons (when ECharts
 * loaded) and the empty chart container `chartId` (role=img, `description` as
 * its label; the page draws into it once it is in the document). The image is
 * saved as `fileName` (or what `fileName()` returns when it is a function,
 * for a chart that changes, e.g. with the item shown), with `.svg` in place
 * of `.png` for the SVG.
 */
export function chartFigure(chartId, caption, description, fileName) {
  const name = () => (typeof fileName === 'function' ? fileName() : fileName);
  const button = (label, attrs, toBlob, nameOf) => {
    if (!chartsAvailable()) return null;
    const b = h('button', { type: 'button', class: 'button button--small', ...attrs, 'aria-label': `Download the chart \u201C${caption}\u201D as ${label}` }, label);
    b.addEventListener('click', () => {
      const blob = toBlob(document.getElementById(chartId));
      if (blob) downloadBlob(blob, nameOf());
    });
    return b;
  };
  const pngButton = button('PNG', { 'data-chart': chartId }, chartPngBlob, name);
  const svgButton = button('SVG', { 'data-chart-svg': chartId }, chartSvgBlob, () => name().replace(/\.png$/i, '') + '.svg');
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', {}, h('span', { class: 'chart-figure__title' }, caption), pngButton, svgButton),
    h('div', { class: 'chart', id: chartId, role: 'img', 'aria-label': description }),
  );
}
