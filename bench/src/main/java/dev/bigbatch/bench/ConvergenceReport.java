package dev.bigbatch.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The results of a convergence sweep: steps to the target per run, the best learning rate per optimizer (fewest
 * steps to the target; among equals, and among runs that never reach it, the lowest final smoothed loss), the CSV of
 * every curve and a PNG of the best run of each optimizer.
 */
final class ConvergenceReport {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;

    private final StepsToTarget criterion;
    private final List<ConvergenceRun.Outcome> outcomes;

    ConvergenceReport(StepsToTarget criterion, List<ConvergenceRun.Outcome> outcomes) {
        this.criterion = criterion;
        this.outcomes = List.copyOf(outcomes);
    }

    OptionalLong steps(ConvergenceRun.Outcome o) {
        return criterion.firstReached(o.curve());
    }

    /** The smoothed loss at the run's last logged step, NaN when it logged none. */
    double finalSmoothed(ConvergenceRun.Outcome o) {
        return o.curve().isEmpty() ? Double.NaN : criterion.smoothed(o.curve(), o.curve().size() - 1);
    }

    /** The best run of each optimizer, in sweep order; runs that logged no step are never best. */
    Map<String, ConvergenceRun.Outcome> best() {
        Map<String, ConvergenceRun.Outcome> best = new LinkedHashMap<>();
        for (ConvergenceRun.Outcome o : outcomes) {
            if (o.curve().isEmpty()) {
                continue;
            }
            ConvergenceRun.Outcome b = best.get(o.candidate().label());
            if (b == null || better(o, b)) {
                best.put(o.candidate().label(), o);
            }
        }
        return best;
    }

    private boolean better(ConvergenceRun.Outcome a, ConvergenceRun.Outcome b) {
        OptionalLong sa = steps(a);
        OptionalLong sb = steps(b);
        if (sa.isPresent() != sb.isPresent()) {
            return sa.isPresent();
        }
        if (sa.isPresent() && sa.getAsLong() != sb.getAsLong()) {
            return sa.getAsLong() < sb.getAsLong();
        }
        // Same steps, or neither reached it: the lower final smoothed loss; NaN (diverged) loses to any finite one.
        double fa = finalSmoothed(a);
        double fb = finalSmoothed(b);
        return Double.isNaN(fb) ? !Double.isNaN(fa) : fa < fb;
    }

    /** A Markdown table of every run. */
    String table() {
        StringBuilder s = new StringBuilder("| optimizer | learning rate | steps to target | smoothed loss at last "
                + "step | lowest smoothed loss | test top-1 at the end | run |\n|---|---|---|---|---|---|---|\n");
        Map<String, ConvergenceRun.Outcome> best = best();
        for (ConvergenceRun.Outcome o : outcomes) {
            boolean isBest = best.get(o.candidate().label()) == o;
            OptionalLong n = steps(o);
            String steps = n.isPresent() ? String.valueOf(n.getAsLong()) : "not reached";
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s%s |%n", o.candidate().label(),
                    ConvergenceSweep.rate(o.candidate().learningRate()), isBest ? "**" + steps + "**" : steps,
                    format(finalSmoothed(o)), format(lowestSmoothed(o)),
                    Double.isNaN(o.testTop1()) ? "–" : String.format(Locale.ROOT, "%.3f", o.testTop1()), o.status(),
                    o.message().isEmpty() ? "" : ": " + o.message().replace('|', '/')));
        }
        return s.toString();
    }

    private double lowestSmoothed(ConvergenceRun.Outcome o) {
        double low = Double.NaN;
        for (int i = 0; i < o.curve().size(); i++) {
            double v = criterion.smoothed(o.curve(), i);
            low = Double.isNaN(low) || v < low ? v : low;
        }
        return low;
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** {@code optimizer,learning_rate,step,loss,smoothed_loss} for every logged step of every run. */
    String csv() {
        StringBuilder s = new StringBuilder("optimizer,learning_rate,step,loss,smoothed_loss\n");
        for (ConvergenceRun.Outcome o : outcomes) {
            for (int i = 0; i < o.curve().size(); i++) {
                StepsToTarget.Point p = o.curve().get(i);
                s.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f%n", o.candidate().label(),
                        ConvergenceSweep.rate(o.candidate().learningRate()), p.step(), p.loss(),
                        criterion.smoothed(o.curve(), i)));
            }
        }
        return s.toString();
    }

    /** The training loss of each optimizer's best run against the step, with the target as a dashed line. */
    byte[] png(String title, String yAxis) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step")
                .yAxisTitle(yAxis).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        long lastStep = 1;
        for (ConvergenceRun.Outcome o : best().values()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (StepsToTarget.Point p : o.curve()) {
                if (Double.isFinite(p.loss())) {
                    x.add((double) p.step());
                    y.add(p.loss());
                }
            }
            lastStep = Math.max(lastStep, o.curve().get(o.curve().size() - 1).step());
            OptionalLong n = steps(o);
            String name = o.candidate().label() + " lr " + ConvergenceSweep.rate(o.candidate().learningRate())
                    + (n.isPresent() ? " (target at step " + n.getAsLong() + ")" : " (target not reached)");
            chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
        }
        XYSeries target = chart.addSeries(String.format(Locale.ROOT, "target %.3g (mean of %d steps)",
                criterion.target(), criterion.window()), List.of(1.0, (double) lastStep),
                List.of(criterion.target(), criterion.target()));
        target.setMarker(SeriesMarkers.NONE);
        target.setLineStyle(SeriesLines.DASH_DASH);
        target.setLineColor(java.awt.Color.GRAY);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Writes through a temporary file in the same directory, so a reader never sees half a file. */
    static void publish(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void publish(Path file, String text) throws IOException {
        publish(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
