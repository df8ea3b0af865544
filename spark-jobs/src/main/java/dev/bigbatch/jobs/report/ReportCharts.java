package dev.bigbatch.jobs.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The report's charts, drawn with XChart as PNG: loss and top-1 for training and every evaluated split, and learning
 * rate, throughput and step time for training, each against the step, with every run overlaid. A run keeps one
 * colour across charts; training is a solid line, each evaluated split a dashed line with its own marker.
 */
final class ReportCharts {
    static final int WIDTH = 960;
    static final int HEIGHT = 420;
    /**
     * Training series longer than this are thinned to every k-th point (keeping the last): a PNG cannot show more
     * points than it has pixel columns, and XChart's time grows with the points drawn.
     */
    static final int MAX_POINTS = 4 * WIDTH;
    private static final Color[] RUN_COLOURS = {
        new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(148, 103, 189),
        new Color(255, 127, 14), new Color(23, 190, 207), new Color(140, 86, 75), new Color(227, 119, 194)};
    private static final Marker[] SPLIT_MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND,
        SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP};

    /** One chart: what it shows and its PNG, or null when no run has a finite value for it. */
    record Chart(String title, String yAxis, byte[] png) {
    }

    private record Metric(String title, String yAxis, boolean evalToo, ToDoubleFunction<MetricRecord> value) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("Loss", "loss", true, MetricRecord::loss),
            new Metric("Top-1 accuracy", "top-1", true, MetricRecord::top1),
            new Metric("Learning rate", "learning rate", false, MetricRecord::lr),
            new Metric("Throughput", "images / s", false, MetricRecord::imagesPerSec),
            new Metric("Step time", "ms", false, MetricRecord::stepTimeMs));

    private ReportCharts() {
    }

    static List<Chart> draw(List<RunReport.Run> runs) throws IOException {
        List<Chart> out = new ArrayList<>();
        for (Metric m : METRICS) {
            List<Line> lines = new ArrayList<>();
            for (int r = 0; r < runs.size(); r++) {
                RunReport.Run run = runs.get(r);
                for (Map.Entry<String, List<MetricRecord>> split : bySplit(run, m.evalToo()).entrySet()) {
                    Line line = line(run.name(), r, split.getKey(), splitIndex(run, split.getKey()),
                            split.getValue(), m.value());
                    if (!line.xs().isEmpty()) {
                        lines.add(line);
                    }
                }
            }
            out.add(new Chart(m.title(), m.yAxis(), lines.isEmpty() ? null : png(m, lines)));
        }
        return out;
    }

    /** One series: a run's values of one split, finite points only. */
    record Line(String name, int runIndex, boolean train, int splitIndex, List<Double> xs, List<Double> ys) {
    }

    private static byte[] png(Metric m, List<Line> lines) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(m.title())
                .xAxisTitle("step").yAxisTitle(m.yAxis()).build();
        style(chart);
        anchor(chart, lines);
        for (Line line : lines) {
            XYSeries s = chart.addSeries(line.name(), line.xs(), line.ys());
            Color colour = RUN_COLOURS[line.runIndex() % RUN_COLOURS.length];
            s.setLineColor(colour);
            s.setMarkerColor(colour);
            if (line.train()) {
                s.setMarker(SeriesMarkers.NONE);
                s.setLineStyle(new BasicStroke(1.5f));
            } else {
                s.setMarker(SPLIT_MARKERS[line.splitIndex() % SPLIT_MARKERS.length]);
                s.setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Adds an invisible first series at (0, y) and (last step, y), y being a value already plotted, so neither range
     * changes. Without it XChart 3.8 puts x ticks only where data lies whenever the x values are equally spaced
     * (AxisTickCalculator_.areValuesEquallySpaced), which for logged steps 1, 2, 3, ... gives labels 1, 16, 31, ...
     * instead of 0, 50, 100, ....
     */
    private static void anchor(XYChart chart, List<Line> lines) {
        double y = lines.get(0).ys().get(0);
        double last = lines.stream().mapToDouble(l -> l.xs().get(l.xs().size() - 1)).max().orElse(1);
        XYSeries a = chart.addSeries(" ", new double[]{0, Math.max(last, 1)}, new double[]{y, y});
        a.setMarker(SeriesMarkers.NONE);
        a.setLineStyle(SeriesLines.NONE);
        a.setShowInLegend(false);
    }

    private static void style(XYChart chart) {
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(225, 225, 225));
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setAntiAlias(true);
        s.setXAxisDecimalPattern("#,###");
        // Steps start at 0 or 1; anchoring the axis at 0 gives round tick labels (0, 50, 100, ...).
        s.setXAxisMin(0.0);
    }

    private static Map<String, List<MetricRecord>> bySplit(RunReport.Run run, boolean evalToo) {
        Map<String, List<MetricRecord>> out = new LinkedHashMap<>();
        out.put(MetricRecord.TRAIN, new ArrayList<>());
        for (MetricRecord rec : run.metrics().records()) {
            if (rec.isTrain() || evalToo) {
                out.computeIfAbsent(rec.split(), k -> new ArrayList<>()).add(rec);
            }
        }
        return out;
    }

    private static int splitIndex(RunReport.Run run, String split) {
        return (int) run.metrics().records().stream().map(MetricRecord::split)
                .filter(s -> !s.equals(MetricRecord.TRAIN))
                .distinct().takeWhile(s -> !s.equals(split)).count();
    }

    static Line line(String run, int runIndex, String split, int splitIndex, List<MetricRecord> records,
                             ToDoubleFunction<MetricRecord> value) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        boolean train = MetricRecord.TRAIN.equals(split);
        int stride = train ? Math.max(1, (records.size() + MAX_POINTS - 1) / MAX_POINTS) : 1;
        for (int i = 0; i < records.size(); i++) {
            double y = value.applyAsDouble(records.get(i));
            if (Double.isFinite(y) && (i % stride == 0 || i == records.size() - 1)) {
                xs.add((double) records.get(i).step());
                ys.add(y);
            }
        }
        return new Line(run + " " + split, runIndex, train, splitIndex, xs, ys);
    }
}
