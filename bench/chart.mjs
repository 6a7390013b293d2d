/** A small horizontal bar chart (SVG) of sbx vs its baseline per measurement; no dependencies. */
export function chartSvg(items) {
  const width = 640;
  const left = 210;
  const barH = 16;
  const groupH = 2 * barH + 18;
  const max = Math.max(...items.flatMap((i) => [i.sbx, i.base]));
  const scale = (v) => ((width - left - 80) * v) / max;
  const bars = items
    .map((it, n) => {
      const y = 20 + n * groupH;
      const bar = (v, dy, color, name) =>
        `<rect x="${left}" y="${y + dy}" width="${scale(v).toFixed(1)}" height="${barH}" fill="${color}"/>` +
        `<text x="${left + scale(v) + 4}" y="${y + dy + 12}" font-size="11">${name} ${v.toFixed(0)} ms</text>`;
      return `<text x="4" y="${y + barH + 4}" font-size="12">${it.label}</text>` + bar(it.sbx, 0, '#2f6fdf', 'sbx') + bar(it.base, barH + 2, '#aaaaaa', 'baseline');
    })
    .join('\n');
  const height = 30 + items.length * groupH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">\n${bars}\n</svg>\n`;
}
