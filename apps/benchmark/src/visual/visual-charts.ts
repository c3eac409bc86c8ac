import { mulberry32 } from "@hybrid-rag/core/internal";

/** What one generated PDF shows: a site's quarterly figures of one measure, as a chart or a table. */
export interface VisualFigure {
  /** The PDF's file name, also its document id ("aldermoor-rainfall.pdf"). */
  readonly file: string;
  readonly site: string;
  readonly measure: Measure;
  readonly layout: "bar-chart" | "table";
  /** Q1 to Q4. */
  readonly values: readonly [number, number, number, number];
  /** The quarter (1–4) the figure's query asks about. */
  readonly askedQuarter: number;
}

export interface Measure {
  readonly slug: string;
  /** As the page's title says it: "Rainfall (mm)". */
  readonly title: string;
  /** As a query says it: "a rainfall of {value} mm". */
  readonly phrase: (value: number) => string;
}

export const measures: readonly Measure[] = [
  { slug: "rainfall", title: "Rainfall (mm)", phrase: (value) => `a rainfall of ${value} mm` },
  {
    slug: "visitors",
    title: "Visitors (thousands)",
    phrase: (value) => `${value} thousand visitors`,
  },
  {
    slug: "energy",
    title: "Energy output (MWh)",
    phrase: (value) => `an energy output of ${value} MWh`,
  },
  {
    slug: "orders",
    title: "Orders shipped (hundreds)",
    phrase: (value) => `${value} hundred orders shipped`,
  },
];

const sites = [
  "Aldermoor",
  "Brackenfield",
  "Coldharbour",
  "Dunmere",
  "Eastwick",
  "Fallowby",
  "Greystone",
  "Hollinsend",
  "Ivybridge",
  "Juniper Hill",
];

/** Sites per measure at most: every PDF of a measure has the same words, only the figures differ. */
export const maxSitesPerMeasure = sites.length;

/**
 * The figures of the visual set: `sitesPerMeasure` sites × the 4 measures, each site's four
 * quarterly values drawn (seeded) so that, within a measure and a quarter, no two sites share
 * a value — each query ("which site had a rainfall of 47 mm in Q3?") has exactly one answer,
 * and only the chart or table shows it. Bar charts and tables alternate.
 */
export function visualFigures(sitesPerMeasure: number, seed = 2025): VisualFigure[] {
  const random = mulberry32(seed);
  const figures: VisualFigure[] = [];
  for (const measure of measures) {
    // Per quarter, distinct two-digit values for the sites (a seeded shuffle of 10..99).
    const columns = [0, 1, 2, 3].map(() => shuffled(range(10, 99), random));
    for (let index = 0; index < sitesPerMeasure; index++) {
      const site = sites[index]!;
      figures.push({
        file: `${site.toLowerCase().replaceAll(" ", "-")}-${measure.slug}.pdf`,
        site,
        measure,
        layout: figures.length % 2 === 0 ? "bar-chart" : "table",
        values: [
          columns[0]![index]!,
          columns[1]![index]!,
          columns[2]![index]!,
          columns[3]![index]!,
        ],
        askedQuarter: (figures.length % 4) + 1,
      });
    }
  }
  return figures;
}

/** The question a figure answers, naming the measure and a value but not the site. */
export function figureQuery(figure: VisualFigure): string {
  const value = figure.values[figure.askedQuarter - 1]!;
  return `Which site had ${figure.measure.phrase(value)} in Q${figure.askedQuarter} 2025?`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function shuffled(values: number[], random: () => number): number[] {
  for (let index = values.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [values[index], values[other]] = [values[other]!, values[index]!];
  }
  return values;
}
