// Charts drawn with uPlot (bundled; small and fast on canvas). Colours are the theme's own
// variables, read when drawing, so a theme switch redraws in the new colours. The canvas is
// one picture with a text summary; every chart's figures are also in a table beside it.
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";

export type ThemeColor = "primary" | "success" | "warning" | "danger" | "text-muted";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: ThemeColor;
}

function themeColour(name: ThemeColor | "border" | "text"): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--color-${name}`).trim() || "#888";
}

/** Changes whenever the theme does (the toggle's data-theme, or the system's preference). */
function useThemeRound(): number {
  const [round, setRound] = useState(0);
  useEffect(() => {
    const bump = () => setRound((r) => r + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "class"] });
    const media = window.matchMedia?.("(prefers-color-scheme: dark)");
    media?.addEventListener("change", bump);
    return () => {
      observer.disconnect();
      media?.removeEventListener("change", bump);
    };
  }, []);
  return round;
}

function axis(extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  const text = themeColour("text-muted");
  const grid = themeColour("border");
  return { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: "12px system-ui, sans-serif", ...extra };
}

function useUPlot(make: (width: number) => { options: uPlot.Options; data: uPlot.AlignedData }, key: string) {
  const box = useRef<HTMLDivElement>(null);
  const themeRound = useThemeRound();
  const makeRef = useRef(make);
  useEffect(() => {
    makeRef.current = make;
  });
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(element.clientWidth, 240);
    const { options, data } = makeRef.current(width);
    const chart = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 240), height: options.height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [key, themeRound]);
  return box;
}

interface ChartFrameProps {
  /** What the picture shows, read out instead of the canvas. */
  summary: string;
  testId?: string;
  empty?: boolean;
}

function Frame({ summary, testId, empty, box }: ChartFrameProps & { box: React.RefObject<HTMLDivElement | null> }) {
  return (
    <figure className="an-chart" data-testid={testId}>
      {empty ? <p className="muted an-chart-empty">Nothing in this range.</p> : null}
      <div ref={box} className="an-chart-canvas" role="img" aria-label={summary} hidden={empty} />
    </figure>
  );
}

const DAY_S = 86_400;
const HOUR_INCRS = [3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S];
const DAY_INCRS = [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S, 91 * DAY_S];

/** A period start (seconds) as the API's UTC period reads: `03-01` or `03-01 14:00`. */
export function periodLabel(seconds: number, granularity: "hour" | "day"): string {
  const iso = new Date(seconds * 1000).toISOString();
  return granularity === "hour" ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** Series over UTC periods: `x` in seconds; lines, or bars with `bars`. */
export function TimeChart({ x, series, summary, granularity = "day", height = 220, bars = false, yFormat, testId }: {
  x: number[];
  granularity?: "hour" | "day";
  series: ChartSeries[];
  summary: string;
  height?: number;
  bars?: boolean;
  yFormat?: (value: number) => string;
  testId?: string;
}) {
  const key = JSON.stringify([x, series, bars, height, granularity]);
  const box = useUPlot(
    (width) => ({
      data: [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      options: {
        width,
        height,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          // Periods are UTC hours or days, labelled as the API and its CSV name them.
          axis({
            incrs: granularity === "hour" ? HOUR_INCRS : DAY_INCRS,
            space: granularity === "hour" ? 100 : 56,
            values: (_u, splits) => splits.map((s) => (granularity === "hour" ? periodLabel(s, "hour") : periodLabel(s, "day").slice(5))),
          }),
          axis({ size: 56, values: yFormat ? (_u, splits) => splits.map(yFormat) : undefined }),
        ],
        series: [
          { label: "Period", value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? "" : periodLabel(v, granularity)) },
          ...series.map((s) => ({
            label: s.label,
            stroke: themeColour(s.color),
            width: 2,
            fill: bars ? themeColour(s.color) : undefined,
            paths: bars ? uPlot.paths.bars?.({ size: [0.7, 40] }) : undefined,
            points: { show: x.length < 60 },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : yFormat ? yFormat(v) : v.toLocaleString()),
          })),
        ],
      },
    }),
    key,
  );
  return <Frame summary={summary} testId={testId} box={box} empty={x.length === 0} />;
}

/**
 * Bars per category. Several series stand on the same bar, later ones drawn over earlier
 * ones: for nested counts (calls ⊇ failures ⊇ timeouts) each part shows inside its whole.
 */
export function CategoryChart({ categories, categoryLabel, series, summary, height = 220, testId }: {
  categories: string[];
  /** What a category is (the legend's first entry), e.g. "Intent". */
  categoryLabel: string;
  series: ChartSeries[];
  summary: string;
  height?: number;
  testId?: string;
}) {
  const key = JSON.stringify([categories, categoryLabel, series, height]);
  const box = useUPlot(
    (width) => {
      const x = categories.map((_, i) => i);
      const crowded = categories.length * 70 > width;
      return {
        data: [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
        options: {
          width,
          height: height + (crowded ? 40 : 0),
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: { time: false, range: () => [-0.5, Math.max(categories.length - 0.5, 0.5)] },
            y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
          },
          axes: [
            axis({
              splits: () => x,
              values: (_u, splits) => splits.map((i) => categories[i] ?? ""),
              rotate: crowded ? -35 : 0,
              size: crowded ? 80 : 40,
              gap: 4,
            }),
            axis({ size: 50 }),
          ],
          series: [
            { label: categoryLabel, value: (_u: uPlot, i: number | null) => (i === null ? "" : (categories[i] ?? "")) },
            ...series.map((s) => ({
              label: s.label,
              stroke: themeColour(s.color),
              fill: themeColour(s.color),
              width: 1,
              paths: uPlot.paths.bars?.({ size: [0.6, 64] }),
              points: { show: false },
            })),
          ],
        },
      };
    },
    key,
  );
  return <Frame summary={summary} testId={testId} box={box} empty={categories.length === 0} />;
}
