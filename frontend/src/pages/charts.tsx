// Bar charts for the coordinator dashboard: Chart.js 4 with only what a
// bar chart needs registered (tree-shaken), and each chart followed by a
// table with the same numbers, its text alternative. Chart.js sizes the
// canvas through element.style (CSSOM), which the CSP allows; it injects
// no stylesheet.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { lang } from '../lib/i18n';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.font.size = 14;
Chart.defaults.color = '#1b1b1b';
Chart.defaults.animation = false;

// Paper is narrower than the screen: size the charts to the page before printing, and back after.
const resizeAll = () => Object.values(Chart.instances).forEach((c) => c.resize());
window.addEventListener('beforeprint', resizeAll);
window.addEventListener('afterprint', resizeAll);

export interface Series {
  label: string;
  /** The numbers drawn: null where the value is suppressed or none (no bar). */
  values: (number | null)[];
  /** The same values as shown in the table ("<5", "–", "3,5 dagen"). */
  texts: string[];
  colour: string;
}

export interface BarChartProps {
  id: string;
  title: string;
  /** A sentence under the title: what the bars mean. */
  hint?: string;
  /** The header of the table's first column (what a label is). */
  category: string;
  labels: string[];
  series: Series[];
  /** Bars from the left (long labels such as help types). */
  horizontal?: boolean;
  /** Tick text of a number. */
  format: (n: number) => string;
  /** The title of the value axis (its unit), if any. */
  axis?: string;
  /** The canvas's accessible name: says the table below has the numbers. */
  alt: string;
  empty: string;
  /** Columns only in the table (e.g. the number a mean rests on). */
  extra?: { label: string; texts: string[] }[];
}

/** A bar chart and its table. */
export function BarChart(p: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  const fmt = useRef(p.format);
  fmt.current = p.format;
  const hasData = p.labels.length > 0;
  const key = JSON.stringify([p.labels, p.series.map((s) => [s.label, s.values, s.colour]), p.horizontal, lang()]);

  useEffect(() => {
    if (!canvas.current || !hasData) return;
    const data = {
      labels: p.labels,
      datasets: p.series.map((s) => ({
        label: s.label, data: s.values, backgroundColor: s.colour, borderColor: '#1b1b1b', borderWidth: 1,
        maxBarThickness: 28,
      })),
    };
    const valueAxis = {
      beginAtZero: true,
      grid: { color: '#d0d4da' },
      title: { display: !!p.axis, text: p.axis ?? '' },
      ticks: { callback: (v: string | number) => fmt.current(Number(v)) },
    };
    const labelAxis = { grid: { display: false }, ticks: { autoSkip: false } };
    const options = {
      indexAxis: p.horizontal ? ('y' as const) : ('x' as const),
      responsive: true,
      maintainAspectRatio: false,
      locale: lang() === 'nl' ? 'nl-NL' : 'en-GB',
      devicePixelRatio: Math.max(2, window.devicePixelRatio || 1), // sharp on paper too
      scales: p.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      plugins: {
        legend: { display: p.series.length > 1, position: 'bottom' as const },
        tooltip: {
          callbacks: {
            label: (ctx: { dataset: { label?: string }; dataIndex: number; datasetIndex: number }) =>
              `${ctx.dataset.label ?? ''}: ${p.series[ctx.datasetIndex].texts[ctx.dataIndex]}`,
          },
        },
      },
    };
    if (chart.current) {
      chart.current.data = data;
      chart.current.options = options;
      chart.current.update();
    } else {
      chart.current = new Chart(canvas.current, { type: 'bar', data, options });
    }
  }, [key]);

  useEffect(() => () => {
    chart.current?.destroy();
    chart.current = null;
  }, []);

  // Room for the bars: a horizontal chart grows with its labels.
  const height = p.horizontal ? Math.max(160, 40 + p.labels.length * 26 * Math.max(1, p.series.length * 0.8)) : 300;
  const headId = `chart-${p.id}-title`;
  return (
    <figure class="chart" data-testid={`chart-${p.id}`} aria-labelledby={headId}>
      <h3 id={headId}>{p.title}</h3>
      {p.hint && <p class="hint">{p.hint}</p>}
      {hasData ? (
        <div class="chart__grid">
          <div class="chart__box" style={{ height: `${Math.round(height)}px` }}>
            <canvas ref={canvas} role="img" aria-label={p.alt} />
          </div>
          <div class="grid-scroll" tabIndex={0} role="group" aria-labelledby={headId}>
            <table class="table table--compact" data-testid={`chart-${p.id}-table`}>
              <caption class="visually-hidden">{p.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.category}</th>
                  {p.series.map((s) => <th scope="col" class="num" key={s.label}>{s.label}</th>)}
                  {p.extra?.map((s) => <th scope="col" class="num" key={s.label}>{s.label}</th>)}
                </tr>
              </thead>
              <tbody>
                {p.labels.map((l, i) => (
                  <tr key={l}>
                    <th scope="row">{l}</th>
                    {p.series.map((s) => <td class="num" key={s.label}>{s.texts[i]}</td>)}
                    {p.extra?.map((s) => <td class="num" key={s.label}>{s.texts[i]}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p>{p.empty}</p>
      )}
    </figure>
  );
}
