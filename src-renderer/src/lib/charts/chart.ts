// Chart.js, tree-shaken: only the line chart on linear axes with tooltips and a legend is
// registered (no time adapter: x values are epoch ms formatted by timeLabel). Chart.js draws on a
// canvas and needs neither eval nor inline scripts, so the renderer's CSP holds.
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Tooltip, Legend);

export { Chart };

/**
 * The theme's colours resolved for a canvas (which cannot read CSS variables): each token is set
 * as `color` on a hidden probe element and read back as computed rgb, so light and dark follow
 * app.css's `light-dark()` tokens.
 */
export function themeColors(): Record<'text' | 'muted' | 'border' | 'accent' | 'good' | 'warn' | 'bad', string> {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  const read = (token: string) => {
    probe.style.color = `var(--${token})`;
    return getComputedStyle(probe).color;
  };
  const out = {
    text: read('text'),
    muted: read('muted'),
    border: read('border'),
    accent: read('accent'),
    good: read('good'),
    warn: read('warn'),
    bad: read('bad'),
  };
  probe.remove();
  return out;
}

/** Distinct hues for per-pod lines, readable on both themes. */
export const POD_PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];
