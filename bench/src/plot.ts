// The latency-versus-rate plot, as a standalone SVG: p50 and p99 per offered rate for each
// target, both axes logarithmic, with the 100 ms goal drawn across.
export interface Series {
  name: string;
  color: string;
  points: Array<{ rate: number; p50: number; p99: number }>;
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 190, top: 40, bottom: 55 };

export function latencyVersusRateSvg(title: string, series: Series[], goalMs: number): string {
  const points = series.flatMap((s) => s.points).filter((p) => p.rate > 0 && p.p50 > 0 && p.p99 > 0);
  const rates = points.map((p) => p.rate);
  const latencies = points.flatMap((p) => [p.p50, p.p99]).concat(goalMs);
  const xDomain = decades(Math.min(...rates, 100), Math.max(...rates, 1000));
  const yDomain = decades(Math.min(...latencies, 1), Math.max(...latencies, goalMs * 2));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number) => MARGIN.left + (plotW * (Math.log10(rate) - xDomain[0])) / (xDomain[1] - xDomain[0]);
  const y = (ms: number) => MARGIN.top + plotH - (plotH * (Math.log10(ms) - yDomain[0])) / (yDomain[1] - yDomain[0]);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  for (const tick of ticks(xDomain)) {
    out.push(`<line x1="${x(tick).toFixed(1)}" y1="${MARGIN.top}" x2="${x(tick).toFixed(1)}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x(tick).toFixed(1)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${tick}</text>`);
  }
  for (const tick of ticks(yDomain)) {
    out.push(`<line x1="${MARGIN.left}" y1="${y(tick).toFixed(1)}" x2="${MARGIN.left + plotW}" y2="${y(tick).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tick}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">offered rate (requests/s, log)</text>`);
  out.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency (ms, log)</text>`);
  out.push(`<line x1="${MARGIN.left}" y1="${y(goalMs).toFixed(1)}" x2="${MARGIN.left + plotW}" y2="${y(goalMs).toFixed(1)}" stroke="#d33" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${MARGIN.left + plotW - 4}" y="${(y(goalMs) - 5).toFixed(1)}" text-anchor="end" fill="#d33">p99 goal ${goalMs} ms</text>`);
  series.forEach((s, i) => {
    const drawn = s.points.filter((p) => p.rate > 0 && p.p50 > 0 && p.p99 > 0);
    for (const [key, dash] of [['p99', ''], ['p50', ' stroke-dasharray="4 3"']] as const) {
      const path = drawn.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.rate).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
      if (path) out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
      for (const p of drawn) out.push(`<circle cx="${x(p.rate).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const legendY = MARGIN.top + 10 + i * 38;
    const legendX = MARGIN.left + plotW + 15;
    out.push(`<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(s.name)} p99</text>`);
    out.push(`<line x1="${legendX}" y1="${legendY + 16}" x2="${legendX + 24}" y2="${legendY + 16}" stroke="${s.color}" stroke-width="2" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${legendX + 30}" y="${legendY + 20}">${escapeXml(s.name)} p50</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Whole powers of ten around [min, max], as log10 exponents. */
function decades(min: number, max: number): [number, number] {
  return [Math.floor(Math.log10(min)), Math.ceil(Math.log10(max))];
}

/** 1, 2, 5 per decade. */
function ticks([from, to]: [number, number]): number[] {
  const out: number[] = [];
  for (let exponent = from; exponent <= to; exponent++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** exponent;
      if (Math.log10(value) <= to + 1e-9) out.push(Number(value.toPrecision(3)));
    }
  }
  return out;
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
