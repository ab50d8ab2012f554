package io.modularddd.benchmarks.cli;

import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts drawn here, so the HTML report needs no script and no network: a line chart (log or linear y)
 * and a grouped bar chart. Every drawn series carries {@code data-series}, and every point or bar its value in
 * {@code data-value}, so a test can check the chart against the results.
 */
final class SvgCharts {

    static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#17becf"};
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 340;
    private static final int LEFT = 80;
    private static final int RIGHT = 170;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;

    /**
     * A named row of values, one per category.
     *
     * @param name   the series' name (legend, {@code data-series})
     * @param values one value per category; {@code NaN} for none
     */
    record Series(String name, double[] values) {
    }

    private SvgCharts() {
    }

    /**
     * A line chart: one polyline with a dot per value for each series, categories evenly spaced along x.
     *
     * @param id         the svg's id
     * @param kind       its {@code data-chart}
     * @param categories the x labels
     * @param series     the lines
     * @param logY       whether y is logarithmic (values must then be positive)
     * @param yLabel     the y axis' title
     * @return the svg element
     */
    static String lines(String id, String kind, List<String> categories, List<Series> series, boolean logY,
                        String yLabel) {
        Scale y = Scale.of(series, logY);
        StringBuilder svg = open(id, kind, yLabel);
        axes(svg, y, categories, false);
        double step = categories.size() > 1 ? plotWidth() / (double) (categories.size() - 1) : 0;
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            String color = COLORS[s % COLORS.length];
            svg.append("<g class=\"series\" data-series=\"").append(Html.escape(line.name())).append("\">");
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int c = 0; c < line.values().length; c++) {
                double v = line.values()[c];
                if (Double.isNaN(v) || (logY && v <= 0)) {
                    continue;
                }
                double x = LEFT + c * step;
                double py = y.pixel(v);
                points.append(fmt(x)).append(',').append(fmt(py)).append(' ');
                dots.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(py))
                        .append("\" r=\"4\" fill=\"").append(color).append("\" data-category=\"")
                        .append(Html.escape(categories.get(c))).append("\" data-value=\"").append(value(v))
                        .append("\"><title>").append(Html.escape(line.name() + " " + categories.get(c) + ": "
                                + value(v) + " " + yLabel)).append("</title></circle>");
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2.5\" stroke=\"").append(color).append("\" points=\"")
                    .append(points.toString().trim()).append("\"/>").append(dots).append("</g>");
        }
        legend(svg, series);
        return svg.append("</svg>").toString();
    }

    /**
     * A grouped bar chart: per category, one bar per series.
     *
     * @param id         the svg's id
     * @param kind       its {@code data-chart}
     * @param categories the groups along x
     * @param series     the bars of each group
     * @param yLabel     the y axis' title
     * @return the svg element
     */
    static String bars(String id, String kind, List<String> categories, List<Series> series, String yLabel) {
        Scale y = Scale.of(series, false);
        StringBuilder svg = open(id, kind, yLabel);
        axes(svg, y, categories, true);
        double group = plotWidth() / (double) Math.max(1, categories.size());
        double bar = Math.max(1, group * 0.8 / Math.max(1, series.size()));
        for (int s = 0; s < series.size(); s++) {
            Series row = series.get(s);
            String color = COLORS[s % COLORS.length];
            svg.append("<g class=\"series\" data-series=\"").append(Html.escape(row.name())).append("\">");
            for (int c = 0; c < row.values().length; c++) {
                double v = row.values()[c];
                if (Double.isNaN(v)) {
                    continue;
                }
                double x = LEFT + c * group + group * 0.1 + s * bar;
                double top = y.pixel(v);
                double h = Math.max(v > 0 ? 1 : 0, TOP + plotHeight() - top);
                svg.append("<rect class=\"bar\" x=\"").append(fmt(x)).append("\" y=\"")
                        .append(fmt(TOP + plotHeight() - h)).append("\" width=\"").append(fmt(bar))
                        .append("\" height=\"").append(fmt(h)).append("\" fill=\"").append(color)
                        .append("\" data-category=\"").append(Html.escape(categories.get(c)))
                        .append("\" data-value=\"").append(value(v)).append("\"><title>")
                        .append(Html.escape(row.name() + " " + categories.get(c) + ": " + value(v) + " " + yLabel))
                        .append("</title></rect>");
            }
            svg.append("</g>");
        }
        legend(svg, series);
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String id, String kind, String yLabel) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" id=\"").append(Html.escape(id)).append("\" data-chart=\"").append(kind)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"")
                .append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" role=\"img\">");
        svg.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" fill=\"#ffffff\"/>");
        svg.append("<text x=\"16\" y=\"").append(TOP + plotHeight() / 2).append("\" transform=\"rotate(-90 16 ")
                .append(TOP + plotHeight() / 2).append(")\" text-anchor=\"middle\" class=\"axis-title\">")
                .append(Html.escape(yLabel)).append("</text>");
        return svg;
    }

    private static void axes(StringBuilder svg, Scale y, List<String> categories, boolean grouped) {
        int bottom = TOP + plotHeight();
        for (double tick : y.ticks()) {
            double py = y.pixel(tick);
            svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotWidth()).append("\" y1=\"")
                    .append(fmt(py)).append("\" y2=\"").append(fmt(py)).append("\" stroke=\"#e0e0e0\"/>");
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(py + 4))
                    .append("\" text-anchor=\"end\" class=\"tick\">").append(label(tick)).append("</text>");
        }
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#333\"/>");
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotWidth()).append("\" y1=\"")
                .append(bottom).append("\" y2=\"").append(bottom).append("\" stroke=\"#333\"/>");
        int n = categories.size();
        double step = grouped ? plotWidth() / (double) Math.max(1, n) : (n > 1 ? plotWidth() / (double) (n - 1) : 0);
        int every = Math.max(1, (int) Math.ceil(n / 16.0));
        for (int c = 0; c < n; c += every) {
            double x = grouped ? LEFT + (c + 0.5) * step : LEFT + c * step;
            svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(bottom + 18)
                    .append("\" text-anchor=\"middle\" class=\"tick\">").append(Html.escape(categories.get(c)))
                    .append("</text>");
        }
    }

    private static void legend(StringBuilder svg, List<Series> series) {
        int x = WIDTH - RIGHT + 14;
        for (int s = 0; s < series.size(); s++) {
            int y = TOP + 10 + s * 20;
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(y - 9).append("\" width=\"12\" height=\"12\" "
                    + "fill=\"").append(COLORS[s % COLORS.length]).append("\"/><text x=\"").append(x + 18)
                    .append("\" y=\"").append(y + 1).append("\" class=\"legend\">")
                    .append(Html.escape(series.get(s).name())).append("</text>");
        }
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** @return the value as written in {@code data-value}: up to 6 significant digits, no grouping */
    static String value(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static String label(double tick) {
        if (tick >= 1_000_000) {
            return String.format(Locale.ROOT, "%.0fM", tick / 1e6);
        }
        if (tick >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", tick / 1e3);
        }
        if (tick >= 1) {
            return String.format(Locale.ROOT, "%.0f", tick);
        }
        return value(tick);
    }

    /** Maps values to pixels: linear from 0, or logarithmic between powers of ten around the data. */
    private record Scale(double low, double high, boolean log) {

        static Scale of(List<Series> series, boolean log) {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (Series s : series) {
                for (double v : s.values()) {
                    if (!Double.isNaN(v) && (!log || v > 0)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            if (log) {
                if (max <= 0) {
                    return new Scale(0.001, 1, true);
                }
                double lo = Math.pow(10, Math.floor(Math.log10(min)));
                double hi = Math.pow(10, Math.ceil(Math.log10(max)));
                return new Scale(lo, hi <= lo ? lo * 10 : hi, true);
            }
            double hi = max <= 0 ? 1 : nice(max);
            return new Scale(0, hi, false);
        }

        private static double nice(double max) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
            for (double m : new double[] {1, 2, 2.5, 5, 10}) {
                if (m * magnitude >= max) {
                    return m * magnitude;
                }
            }
            return 10 * magnitude;
        }

        double pixel(double v) {
            double f = log ? (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))
                    : (v - low) / (high - low);
            return TOP + plotHeight() * (1 - f);
        }

        List<Double> ticks() {
            java.util.List<Double> ticks = new java.util.ArrayList<>();
            if (log) {
                for (double t = low; t <= high * 1.0001; t *= 10) {
                    ticks.add(t);
                }
            } else {
                for (int i = 0; i <= 5; i++) {
                    ticks.add(high * i / 5);
                }
            }
            return ticks;
        }
    }
}
