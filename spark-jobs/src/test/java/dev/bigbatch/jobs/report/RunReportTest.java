package dev.bigbatch.jobs.report;

import dev.bigbatch.jobs.exit.DataError;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {
    private static final Pattern IMG = Pattern.compile("<img alt=\"([^\"]*)\" width=\"\\d+\" "
            + "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">");

    @TempDir
    Path tmp;

    /**
     * A plausible metrics log: {@code steps} training steps with warm-up then decaying learning rate {@code lr0},
     * loss falling and accuracy rising with noise, an evaluation on "val" every 50 steps. Fixed seed.
     */
    static String metrics(int steps, double lr0, long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 1; s <= steps; s++) {
            double lr = s < 50 ? lr0 * s / 50 : lr0 * Math.pow(0.5, (s - 50) / 150.0);
            double loss = 2.3 * Math.exp(-s * lr0 / 60.0) + 0.2 + 0.05 * rnd.nextGaussian();
            double top1 = Math.min(1, 0.1 + 0.8 * (1 - Math.exp(-s * lr0 / 80.0)) + 0.02 * rnd.nextGaussian());
            sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"split\":\"train\",\"loss\":%.5f,\"top1\":%.4f,"
                            + "\"top5\":%.4f,\"lr\":%.6f,\"images_per_sec\":%.1f,\"step_time_ms\":%.2f,"
                            + "\"epoch\":%.3f,\"time\":\"2024-05-01T10:%02d:%02dZ\"}%n",
                    s, loss, top1, Math.min(1, top1 + 0.2), lr, 1200 + 40 * rnd.nextGaussian(),
                    106 + 4 * rnd.nextGaussian(), s / 390.0, s / 60 % 60, s % 60));
            if (s % 50 == 0) {
                sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"split\":\"val\",\"loss\":%.5f,\"top1\":%.4f}%n",
                        s, loss + 0.1, top1 - 0.05));
            }
        }
        return sb.toString();
    }

    Path run(String name, String metrics, boolean finished) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("metrics.jsonl"), metrics);
        Files.writeString(dir.resolve("config.conf"), "optimizer { name = momentum, learning-rate = 0.1 } # <ok>\n");
        if (finished) {
            Files.writeString(dir.resolve("_SUCCESS"), "");
        }
        return dir;
    }

    static List<BufferedImage> images(String html, List<String> alts) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            alts.add(m.group(1));
            out.add(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(2)))));
        }
        return out;
    }

    /** Pixels within a small distance of {@code rgb}: how much of a run's colour a chart shows. */
    static int pixelsNear(BufferedImage img, int r, int g, int b) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 255) - r) + Math.abs((p >> 8 & 255) - g) + Math.abs((p & 255) - b) < 30) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rendersEveryChartAsAnEmbeddedPngIntoTheRunDirectory() throws IOException {
        Path run = run("resnet20-sgd", metrics(400, 0.1, 1), true);
        org.apache.hadoop.fs.Path written = RunReport.write(List.of(run.toUri().toString()), null, new Configuration());
        assertEquals(run.resolve("report.html").toUri().getPath(), written.toUri().getPath());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<title>bigbatch report: resnet20-sgd</title>"));
        assertTrue(html.contains("<td>resnet20-sgd</td>"));
        assertTrue(html.contains("<td>finished</td><td class=\"num\">400</td>"), "status and last step");
        assertTrue(html.contains("val 0.") && html.contains(" @ 400</td>"), "last evaluation");
        assertTrue(html.contains("# &lt;ok&gt;"), "config shown, escaped");
        List<String> alts = new ArrayList<>();
        List<BufferedImage> imgs = images(html, alts);
        assertEquals(List.of("Loss against step for resnet20-sgd", "Top-1 accuracy against step for resnet20-sgd",
                "Learning rate against step for resnet20-sgd", "Throughput against step for resnet20-sgd",
                "Step time against step for resnet20-sgd"), alts);
        for (BufferedImage img : imgs) {
            assertEquals(ReportCharts.WIDTH, img.getWidth());
            assertEquals(ReportCharts.HEIGHT, img.getHeight());
            assertTrue(pixelsNear(img, 31, 119, 180) > 200, "the run's line is drawn");
        }
        try (Stream<Path> files = Files.list(run)) {
            assertEquals(List.of("_SUCCESS", "config.conf", "metrics.jsonl", "report.html"),
                    files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void severalRunsAreOverlaidInEachChart() throws IOException {
        Path a = run("lr0.1", metrics(300, 0.1, 1), true);
        Path b = run("lr0.4", metrics(200, 0.4, 2), false);
        Path out = tmp.resolve("compare.html");
        RunReport.write(List.of(a.toString(), b.toString()), out.toUri().toString(), new Configuration());
        String html = Files.readString(out);
        assertTrue(html.contains("<title>bigbatch report: lr0.1, lr0.4</title>"));
        assertTrue(html.contains("<td>lr0.4</td>") && html.contains("<td>running or stopped</td>"));
        List<String> alts = new ArrayList<>();
        List<BufferedImage> imgs = images(html, alts);
        assertEquals(5, imgs.size());
        for (BufferedImage img : imgs) {
            assertTrue(pixelsNear(img, 31, 119, 180) > 200, "first run drawn");
            assertTrue(pixelsNear(img, 214, 39, 40) > 200, "second run drawn");
        }
    }

    @Test
    void partialLastLineOfARunningJobIsSkipped() throws IOException {
        String text = metrics(60, 0.1, 3) + "{\"step\":61,\"split\":\"train\",\"lo";
        MetricsLog log = MetricsLog.parse(text, "m.jsonl");
        assertTrue(log.partialLastLine());
        assertEquals(61, log.records().size(), "60 train steps and one evaluation");
        Path run = run("live", text, false);
        String html = RunReport.load(List.of(run.toString()), new Configuration()).html();
        assertTrue(html.contains("running or stopped (last line incomplete)"));

        MetricsLog complete = MetricsLog.parse("{\"step\":1,\"split\":\"train\",\"loss\":2}", "m.jsonl");
        assertFalse(complete.partialLastLine(), "an unterminated last line that parses is used");
        assertEquals(1, complete.records().size());
    }

    @Test
    void malformedLinesAreRejectedWithFileAndLine() {
        String good = "{\"step\":1,\"split\":\"train\",\"loss\":2.0}\n";
        DataError garbage = assertThrows(DataError.class,
                () -> MetricsLog.parse(good + "\n" + "loss=2.1 step=2\n" + good, "hdfs:///runs/a/metrics.jsonl"));
        assertTrue(garbage.getMessage().startsWith("hdfs:///runs/a/metrics.jsonl:3: not a metrics record ("),
                garbage.getMessage());
        assertTrue(garbage.getMessage().endsWith("): loss=2.1 step=2"), garbage.getMessage());
        DataError noStep = assertThrows(DataError.class,
                () -> MetricsLog.parse("{\"split\":\"train\"}\n", "m.jsonl"));
        assertEquals("m.jsonl:1: not a metrics record ('step' must be a non-negative integer, found null): "
                + "{\"split\":\"train\"}", noStep.getMessage());
        DataError badNumber = assertThrows(DataError.class,
                () -> MetricsLog.parse(good + "{\"step\":2,\"split\":\"train\",\"loss\":\"high\"}\n", "m.jsonl"));
        assertTrue(badNumber.getMessage().startsWith("m.jsonl:2: not a metrics record ('loss' must be a number"));
        assertThrows(DataError.class, () -> MetricsLog.parse("{\"step\":1,\"split\":\"train\"} {}\n", "m.jsonl"));
    }

    @Test
    void divergedValuesAreAcceptedAndLeftOutOfCharts() throws IOException {
        String text = metrics(100, 0.1, 4) + "{\"step\":101,\"split\":\"train\",\"loss\":NaN,\"top1\":null}\n"
                + "{\"step\":102,\"split\":\"train\",\"loss\":\"Infinity\",\"top1\":0.1}\n";
        MetricsLog log = MetricsLog.parse(text, "m.jsonl");
        MetricRecord last = log.records().get(log.records().size() - 1);
        assertEquals(Double.POSITIVE_INFINITY, last.loss());
        assertTrue(Double.isNaN(log.records().get(log.records().size() - 2).top1()));
        Path run = run("diverged", text, false);
        String html = RunReport.load(List.of(run.toString()), new Configuration()).html();
        assertEquals(5, images(html, new ArrayList<>()).size());
    }

    @Test
    void chartWithNoDataSaysSoInsteadOfAnImage() throws IOException {
        Path run = run("evalonly", "{\"step\":10,\"split\":\"val\",\"loss\":1.0,\"top1\":0.5}\n", false);
        String html = RunReport.load(List.of(run.toString()), new Configuration()).html();
        assertEquals(2, images(html, new ArrayList<>()).size(), "loss and top-1 have an evaluation point");
        assertTrue(html.contains("<p class=\"note\">No run logged learning rate.</p>"));
    }

    @Test
    void missingMetricsAndDuplicateNames() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("nothing"));
        DataError e = assertThrows(DataError.class,
                () -> RunReport.load(List.of(empty.toString()), new Configuration()));
        assertTrue(e.getMessage().startsWith(empty + " has no metrics.jsonl"), e.getMessage());

        Path a = Files.createDirectories(tmp.resolve("x/run"));
        Path b = Files.createDirectories(tmp.resolve("y/run"));
        Files.writeString(a.resolve("metrics.jsonl"), metrics(10, 0.1, 5));
        Files.writeString(b.resolve("metrics.jsonl"), metrics(10, 0.1, 6));
        RunReport r = RunReport.load(List.of(a.toString(), b.toString()), new Configuration());
        assertEquals(List.of(a.toString(), b.toString()), r.runs().stream().map(RunReport.Run::name).toList());
    }

    @Test
    void rewritingReplacesTheOldReport() throws IOException {
        Path run = run("again", metrics(20, 0.1, 7), false);
        Files.writeString(run.resolve("report.html"), "old");
        RunReport.write(List.of(run.toString()), null, new Configuration());
        assertTrue(Files.readString(run.resolve("report.html")).startsWith("<!DOCTYPE html>"));
    }

    @Test
    void longTrainingSeriesAreThinnedKeepingTheLastStep() {
        MetricsLog log = MetricsLog.parse(metrics(10_000, 0.1, 8), "m.jsonl");
        List<MetricRecord> train = log.records().stream().filter(MetricRecord::isTrain).toList();
        ReportCharts.Line line = ReportCharts.line("r", 0, "train", 0, train, MetricRecord::loss);
        assertTrue(line.xs().size() <= ReportCharts.MAX_POINTS + 1, "thinned to " + line.xs().size());
        assertTrue(line.xs().size() >= ReportCharts.MAX_POINTS / 2, "not thinned more than needed");
        assertEquals(10_000.0, line.xs().get(line.xs().size() - 1));
        List<MetricRecord> val = log.records().stream().filter(r -> !r.isTrain()).toList();
        assertEquals(200, ReportCharts.line("r", 0, "val", 0, val, MetricRecord::loss).xs().size(),
                "evaluations are never thinned");
    }

    @Test
    void escapesMarkup() {
        assertEquals("&lt;script&gt;&amp;&quot;&#39;", ReportHtml.escape("<script>&\"'"));
    }
}
