package dev.bigbatch.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.report.RunReport;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.train.TrainingLoop;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What a training run leaves at {@code --out}: {@code config.conf} (the config as given), {@code network.json}
 * ({@link SavedModels#NETWORK}), {@code metrics.jsonl},
 * {@code checkpoints/}, {@code report.html}, {@code evaluation.json}, {@code model.zip} and, last,
 * {@code _SUCCESS}. A generated quickstart dataset lives beside them in {@code synthetic/} and {@code dataset/}.
 */
public final class RunDirectory {
    public static final String CONFIG = "config.conf";
    public static final String MODEL = "model.zip";
    public static final String EVALUATION = "evaluation.json";
    public static final String REPORT = "report.html";
    public static final String SUCCESS = "_SUCCESS";
    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);
    /** What --restart removes; the generated dataset is kept. */
    private static final List<String> TRAINING_STATE = List.of(SUCCESS, MODEL, EVALUATION, REPORT,
            MetricsWriter.FILE, CheckpointStore.DIRECTORY);

    private RunDirectory() {
    }

    static void clearTrainingState(RunFiles files, PrintStream out) {
        try {
            for (String name : TRAINING_STATE) {
                if (files.exists(name)) {
                    files.fileSystem().delete(files.path(name), true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + files.dir() + " for --restart", e);
        }
        out.println("bigbatch train: --restart: cleared earlier training state in " + files.dir());
    }

    /** Re-renders report.html; a failure to render is logged, never fatal to training. */
    static void refreshReport(RunFiles files, Configuration conf) {
        try {
            RunReport.write(List.of(files.dir().toString()), files.path(REPORT).toString(), conf);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not refresh {}: {}", files.path(REPORT), e.toString());
        }
    }

    /** Writes {@code _SUCCESS} (a small JSON summary), last. */
    static void markSuccess(RunFiles files, TrainingLoop.Result r) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("steps", r.steps());
        o.put("firstLoss", r.firstLoss());
        o.put("lastLoss", r.lastLoss());
        if (r.finalEval() != null) {
            o.put("testTop1", r.finalEval().top1());
            o.put("testTop5", r.finalEval().top5());
        }
        o.put("finishedAt", java.time.Instant.now().toString());
        files.writeText(SUCCESS, o.toPrettyString() + "\n");
    }
}
