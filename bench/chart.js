'use strict';
/** A plain SVG bar chart of the ratios to node:http: one group per scenario, one bar per server. */

const COLORS = {
  'node:http': '#9e9e9e', fastify: '#000000', express: '#6d4c41', 'nest-express': '#e53935', 'nest-fastify': '#fb8c00',
  'routing-controllers': '#8e24aa', 'rondo (bare)': '#1e88e5', 'rondo (full stack)': '#43a047',
};

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function renderSvg(rows, title) {
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const servers = [...new Set(rows.map((r) => r.server))];
  const bar = 12;
  const labelWidth = 270;
  const scale = 420; // px for ratio 1.0
  const legendHeight = 20 * Math.ceil(servers.length / 4) + 10;
  let y = 40 + legendHeight;
  const parts = [];
  for (const scenario of scenarios) {
    const group = rows.filter((r) => r.scenario === scenario);
    parts.push(`<text x="10" y="${y + 10}" font-size="12" font-weight="bold">${escape(scenario)}</text>`);
    y += 16;
    for (const row of group) {
      const ratio = Number.isFinite(row.ratio) ? row.ratio : 0;
      const width = Math.max(1, Math.min(ratio, 1.6) * scale);
      parts.push(`<text x="${labelWidth - 6}" y="${y + bar - 2}" font-size="11" text-anchor="end">${escape(row.server)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${bar}" fill="${COLORS[row.server] ?? '#607d8b'}"/>`);
      parts.push(`<text x="${(labelWidth + width + 4).toFixed(1)}" y="${y + bar - 2}" font-size="11">${Number.isFinite(row.ratio) ? row.ratio.toFixed(2) : 'n/a'}</text>`);
      y += bar + 3;
    }
    y += 10;
  }
  const height = y + 10;
  const width = labelWidth + scale * 1.6 + 60;
  const legend = servers.map((s, i) => {
    const x = 10 + (i % 4) * 220;
    const ly = 36 + Math.floor(i / 4) * 20;
    return `<rect x="${x}" y="${ly - 10}" width="12" height="12" fill="${COLORS[s] ?? '#607d8b'}"/><text x="${x + 18}" y="${ly}" font-size="12">${escape(s)}</text>`;
  }).join('');
  const one = labelWidth + scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>
${legend}
<line x1="${one}" y1="${30 + legendHeight}" x2="${one}" y2="${height - 10}" stroke="#bdbdbd" stroke-dasharray="4 3"/>
<text x="${one + 3}" y="${36 + legendHeight}" font-size="10" fill="#757575">node:http = 1.0</text>
${parts.join('\n')}
</svg>
`;
}

module.exports = { renderSvg };
