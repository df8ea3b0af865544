package dev.bigbatch.jobs.report;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Lays out {@code report.html}: title, run table, charts, configs. Everything user-supplied is escaped. */
final class ReportHtml {
    private static final String STYLE = """
            body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:1100px}
            table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:left}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
            figure{margin:1.5em 0}img{max-width:100%;border:1px solid #eee}
            pre{background:#f7f7f7;padding:1em;overflow:auto}
            .note{color:#777}""";

    private ReportHtml() {
    }

    static String render(List<RunReport.Run> runs, List<ReportCharts.Chart> charts) {
        StringBuilder h = new StringBuilder(1 << 16);
        String names = String.join(", ", runs.stream().map(RunReport.Run::name).toList());
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>bigbatch report: ")
                .append(escape(names)).append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>bigbatch report</h1>\n");
        runTable(h, runs);
        for (ReportCharts.Chart c : charts) {
            h.append("<figure>\n<h2>").append(escape(c.title())).append("</h2>\n");
            if (c.png() == null) {
                h.append("<p class=\"note\">No run logged ").append(escape(c.yAxis())).append(".</p>\n");
            } else {
                h.append("<img alt=\"").append(escape(c.title())).append(" against step for ").append(escape(names))
                        .append("\" width=\"").append(ReportCharts.WIDTH).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(c.png())).append("\">\n");
            }
            h.append("</figure>\n");
        }
        for (RunReport.Run r : runs) {
            if (r.config() != null) {
                h.append("<details>\n<summary>config.conf of ").append(escape(r.name())).append("</summary>\n<pre>")
                        .append(escape(r.config())).append("</pre>\n</details>\n");
            }
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void runTable(StringBuilder h, List<RunReport.Run> runs) {
        h.append("<table>\n<tr><th>Run</th><th>Directory</th><th>Status</th><th>Last step</th>"
                + "<th>Last train loss</th><th>Last evaluation top-1</th></tr>\n");
        for (RunReport.Run r : runs) {
            List<MetricRecord> recs = r.metrics().records();
            long lastStep = recs.stream().mapToLong(MetricRecord::step).max().orElse(-1);
            MetricRecord lastTrain = null;
            Map<String, MetricRecord> lastEval = new LinkedHashMap<>();
            for (MetricRecord m : recs) {
                if (m.isTrain()) {
                    lastTrain = m;
                } else {
                    lastEval.put(m.split(), m);
                }
            }
            String status = r.finished() ? "finished" : "running or stopped"
                    + (r.metrics().partialLastLine() ? " (last line incomplete)" : "");
            StringBuilder eval = new StringBuilder();
            lastEval.forEach((split, m) -> eval.append(eval.isEmpty() ? "" : "; ").append(escape(split)).append(' ')
                    .append(format(m.top1())).append(" @ ").append(m.step()));
            h.append("<tr><td>").append(escape(r.name())).append("</td><td>").append(escape(r.uri()))
                    .append("</td><td>").append(status).append("</td><td class=\"num\">")
                    .append(lastStep < 0 ? "&ndash;" : String.valueOf(lastStep)).append("</td><td class=\"num\">")
                    .append(lastTrain == null ? "&ndash;" : format(lastTrain.loss())).append("</td><td>")
                    .append(eval.isEmpty() ? "&ndash;" : eval).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    static String format(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
