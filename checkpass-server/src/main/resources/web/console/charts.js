// Hand-made SVG charts for the console: a line over the minutes of a day and horizontal bars. Returned as markup.

const W = 720;
const H = 220;
const PAD = { l: 44, r: 12, t: 12, b: 26 };

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
}

/** points: [[x, y]] with x in 0..xMax; a gap of more than a minute drops the line to zero between points. */
/** summary: the chart in words, for screen readers (its text alternative); defaults to the label. */
export function lineChart(points, { xMax, xTicks = [], label = '', summary = label }) {
  const yMax = niceMax(Math.max(0, ...points.map((p) => p[1])));
  const x = (v) => PAD.l + (v / xMax) * (W - PAD.l - PAD.r);
  const y = (v) => H - PAD.b - (v / yMax) * (H - PAD.t - PAD.b);
  const path = [];
  let last = null;
  for (const [px, py] of points) {
    if (last === null || px - last > 1) {
      if (last !== null) path.push(`L${x(last + 1)},${y(0)}`);
      path.push(`M${x(Math.max(0, px - 1))},${y(0)}`);
    }
    path.push(`L${x(px)},${y(py)}`);
    last = px;
  }
  if (last !== null) path.push(`L${x(Math.min(xMax, last + 1))},${y(0)}`);
  const grid = [0, 0.5, 1].map((f) => `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(f * yMax)}" y2="${y(f * yMax)}" stroke="#e3e7ec"/>`
    + `<text x="${PAD.l - 6}" y="${y(f * yMax) + 4}" text-anchor="end">${esc(Math.round(f * yMax * 10) / 10)}</text>`).join('');
  const anchor = (v) => (v <= 0 ? 'start' : v >= xMax ? 'end' : 'middle');
  const ticks = xTicks.map(([v, text]) => `<text x="${x(v)}" y="${H - 8}" text-anchor="${anchor(v)}">${esc(text)}</text>`).join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(summary)}" data-points="${points.length}">${grid}${ticks}`
    + `<path d="${path.join('')}" fill="none" stroke="#1f5fbf" stroke-width="1.5"/>`
    + (label ? `<text x="${PAD.l + 4}" y="${PAD.t + 10}">${esc(label)}</text>` : '') + '</svg>';
}

/**
 * bars: [[label, value, colour]], longest bar = the largest value; each bar shows its count and share. Its text
 * alternative lists every bar with its count and share.
 */
export function barChart(bars, empty = '') {
  if (bars.length === 0) return `<svg viewBox="0 0 ${W} 40" role="img" aria-label="${esc(empty)}" data-bars="0"><text x="0" y="24">${esc(empty)}</text></svg>`;
  const total = bars.reduce((n, b) => n + b[1], 0) || 1;
  const max = Math.max(1, ...bars.map((b) => b[1]));
  const rowH = 30;
  const height = Math.max(rowH, bars.length * rowH) + 6;
  const rows = bars.map(([name, value, colour], i) => {
    const w = ((W - 240) * value) / max;
    const yy = 4 + i * rowH;
    return `<text x="0" y="${yy + 18}">${esc(name)}</text><rect x="130" y="${yy + 4}" width="${w}" height="${rowH - 10}" fill="${colour}" rx="3"/>`
      + `<text x="${136 + w}" y="${yy + 18}">${value.toLocaleString()} (${Math.round((100 * value) / total)}%)</text>`;
  }).join('');
  const summary = bars.map(([name, value]) => `${name} ${value.toLocaleString()} (${Math.round((100 * value) / total)}%)`).join(', ');
  return `<svg viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(summary)}" data-bars="${bars.length}">${rows}</svg>`;
}
