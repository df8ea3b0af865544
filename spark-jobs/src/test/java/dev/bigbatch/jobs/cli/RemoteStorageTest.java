package dev.bigbatch.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.ImagenetFixtures;
import dev.bigbatch.jobs.Main;
import dev.bigbatch.jobs.SparkTestSession;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ImageNet straight from real storage, end to end through {@link Main}: a real HDFS (Hadoop's MiniDFSCluster) and a
 * real S3-compatible server (S3Proxy on 127.0.0.1, reached through s3a:// with path-style access; no client mock).
 * On each: upload tiny inputs in ILSVRC2012's own layout (a tar of per-class tars of JPEGs, a flat val tar and
 * LOC_val_solution.csv), {@code prepare-imagenet} from the store to the store, {@code train} a small CNN for two steps
 * on the JPEG dataset at a small input size, writing the run directory back to the store, {@code evaluate} the saved
 * model there, and re-run {@code train} to find the finished run. Both stores must give the same evaluation, bit for
 * bit. The stores' settings go through the shared
 * SparkContext's Hadoop configuration ({@code fs.defaultFS} untouched) and are removed afterwards. On S3, the secret
 * key must appear in no file written and in nothing logged or printed.
 */
class RemoteStorageTest {
    static final int CLASSES = 3;
    static final int PER_CLASS = 6;
    static final int VAL = 6;
    static final int IMAGE_SIZE = 24;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static java.nio.file.Path tmp;
    static byte[] trainTar;
    static byte[] valTar;
    static byte[] valLabels;
    static final Map<String, JsonNode> EVALUATIONS = new java.util.concurrent.ConcurrentHashMap<>();

    record Outcome(int code, String out, String err) {
    }

    @BeforeAll
    static void inputs() {
        SparkTestSession.get();
        trainTar = ImagenetFixtures.trainTar(CLASSES, PER_CLASS, 11);
        valTar = ImagenetFixtures.valTar(CLASSES, VAL, 12);
        valLabels = ImagenetFixtures.valLabels(CLASSES, VAL).getBytes(StandardCharsets.US_ASCII);
    }

    static Configuration hadoop() {
        return SparkTestSession.get().sparkContext().hadoopConfiguration();
    }

    @Test
    void prepareTrainAndEvaluateOnHdfs() throws Exception {
        String defaultFs = hadoop().get("fs.defaultFS");
        String replication = hadoop().get("dfs.replication");
        try (LocalHdfs hdfs = new LocalHdfs(tmp.resolve("hdfs"));
             HadoopSettings ignored = HadoopSettings.apply(hadoop(), Map.of("dfs.replication", "1"), hdfs.uri(""))) {
            endToEnd(hdfs.uri("bigbatch"));
        }
        assertEquals(defaultFs, hadoop().get("fs.defaultFS"));
        assertEquals(replication, hadoop().get("dfs.replication"), "settings put back");
    }

    @Test
    void prepareTrainAndEvaluateOnS3WithoutLeakingTheSecretKey() throws Exception {
        String secret;
        String root;
        List<String> written = new ArrayList<>();
        CapturedOutput captured;
        try (LocalS3 s3 = new LocalS3();
             HadoopSettings ignored = HadoopSettings.apply(hadoop(), s3.hadoopSettings(), s3.uri(""))) {
            secret = s3.secretKey();
            root = s3.uri("bigbatch");
            try (CapturedOutput c = new CapturedOutput("dev.bigbatch", "org.apache.hadoop.fs.s3a")) {
                captured = c;
                endToEnd(root);
            }
            for (Path file : files(root)) {
                written.add(file.toString());
                String content = new String(read(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(secret), "the secret key is in " + file);
            }
        }
        assertTrue(written.stream().anyMatch(f -> f.endsWith("runs/tiny/" + RunDirectory.CONFIG)), written.toString());
        assertTrue(written.size() > 15, "the whole run directory and dataset were scanned: " + written);
        String log = captured.text();
        assertTrue(log.contains("bigbatch") && log.contains(root), "the capture saw the run: " + log.length());
        assertFalse(log.contains(secret), "the secret key was logged or printed");
        // AtomicFiles reuses one FileContext per configuration and file system: each new one builds an S3AFileSystem
        // that is never closed (before: one per file written, 9 in this test). Counted from S3AFileSystem's own DEBUG
        // line (Hadoop 3.3.4).
        long clients = log.lines().filter(l -> l.contains("Initializing S3AFileSystem for " + LocalS3.BUCKET)).count();
        assertTrue(clients >= 1 && clients <= 3, "S3A clients created: " + clients
                + " (the cached one, and one for each command that wrote files: train, evaluate)");
        assertEquals(null, hadoop().get("fs.s3a.secret.key"), "credentials removed from the shared configuration");
    }

    /** The same inputs and config give the same run whatever the store: compares the evaluations of both tests. */
    @AfterAll
    static void everyStoreGivesTheSameBits() {
        if (EVALUATIONS.size() == 2) {
            List<JsonNode> e = new ArrayList<>(EVALUATIONS.values());
            assertEquals(e.get(0), e.get(1), EVALUATIONS.toString());
        }
    }

    /** prepare → train → evaluate → train again, all on the store under {@code root}. */
    static void endToEnd(String root) throws IOException {
        write(root + "/ilsvrc/ILSVRC2012_img_train.tar", trainTar);
        write(root + "/ilsvrc/ILSVRC2012_img_val.tar", valTar);
        write(root + "/ilsvrc/LOC_val_solution.csv", valLabels);
        String dataset = root + "/imagenet";
        Outcome prep = main("prepare-imagenet", "--train", root + "/ilsvrc/ILSVRC2012_img_train.tar",
                "--val", root + "/ilsvrc/ILSVRC2012_img_val.tar", "--val-labels", root + "/ilsvrc/LOC_val_solution.csv",
                "--out", dataset, "--shorter-side", "28", "--shard-mb", "1");
        assertEquals(0, prep.code(), prep.err());
        assertTrue(prep.out().contains("prepared " + CLASSES + " classes into " + dataset), prep.out());
        DatasetManifest manifest = DatasetManifest.load(dataset, hadoop());
        assertEquals(ImagenetFixtures.WNIDS, manifest.classIds());
        assertEquals(DatasetLayout.ENCODING_JPEG, manifest.encoding());
        assertEquals(CLASSES * PER_CLASS, manifest.split(DatasetLayout.TRAIN).count());
        assertEquals(VAL, manifest.split(DatasetLayout.VAL).count());

        String run = root + "/runs/tiny";
        // --config read from the store itself, as a cluster-mode driver must read it
        write(root + "/conf/tiny.conf", "model { name = small-cnn, width = 4 }\n".getBytes(StandardCharsets.UTF_8));
        String[] train = {"train", "--out", run, "--config", root + "/conf/tiny.conf", "--set", "data.path=" + dataset,
                "--set", "data.partitions=2", "--set", "data.image-size=" + IMAGE_SIZE, "--set", "data.decode-threads=2",
                "--set", "train.global-batch-size=8", "--set", "train.ghost-batch-size=4", "--set", "train.steps=2",
                "--set", "train.log-every=1", "--set", "train.checkpoint-every=1", "--set", "train.eval-batch-size=4",
                "--set", "optimizer.learning-rate=0.05"};
        Outcome trained = main(train);
        assertEquals(0, trained.code(), trained.err());
        assertTrue(trained.out().contains("input 3x" + IMAGE_SIZE + "x" + IMAGE_SIZE), trained.out());
        assertTrue(trained.out().contains("model small-cnn"), trained.out());
        Outcome missing = main("train", "--out", root + "/runs/none", "--config", root + "/conf/missing.conf");
        assertEquals(78, missing.code(), missing.err());
        assertTrue(missing.err().contains("--config") && missing.err().contains("no such file"), missing.err());
        for (String name : List.of(RunDirectory.SUCCESS, RunDirectory.MODEL, RunDirectory.CONFIG,
                RunDirectory.REPORT, "metrics.jsonl", "checkpoints/ckpt-2/COMMIT")) {
            assertTrue(exists(run + "/" + name), run + "/" + name);
        }
        JsonNode evaluation = JSON.readTree(read(new Path(run + "/" + RunDirectory.EVALUATION)));
        assertEquals(DatasetLayout.VAL, evaluation.get("split").asText());
        assertEquals(VAL, evaluation.get("examples").asInt());
        assertTrue(Double.isFinite(evaluation.get("loss").asDouble()), evaluation.toString());
        EVALUATIONS.put(root, evaluation);
        String metrics = new String(read(new Path(run + "/metrics.jsonl")), StandardCharsets.UTF_8);
        assertEquals(2, metrics.lines().filter(l -> l.contains("\"train\"")).count(), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.contains("\"split\":\"val\"")), "evaluations are recorded under "
                + "the evaluated split's name, as in evaluation.json: " + metrics);
        assertFalse(metrics.contains("\"test\""), metrics);

        Outcome evaluated = main("evaluate", "--model", run + "/" + RunDirectory.MODEL, "--data", dataset);
        assertEquals(0, evaluated.code(), evaluated.err());
        JsonNode again = JSON.readTree(read(new Path(run + "/evaluation-val.json")));
        assertEquals(evaluation.get("top1").asDouble(), again.get("top1").asDouble(),
                "evaluate reads the trained input size from the run's config.conf and gets the same result");

        Outcome rerun = main(train);
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.out().contains("already holds a finished run"), rerun.out());
    }

    static Outcome main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        System.out.print(o); // into the capture, as a console would show it
        System.err.print(e);
        return new Outcome(code, o, e);
    }

    static void write(String uri, byte[] bytes) throws IOException {
        Path p = new Path(uri);
        try (FSDataOutputStream out = p.getFileSystem(hadoop()).create(p, false)) {
            out.write(bytes);
        }
    }

    static byte[] read(Path p) throws IOException {
        try (FSDataInputStream in = p.getFileSystem(hadoop()).open(p)) {
            return in.readAllBytes();
        }
    }

    static boolean exists(String uri) throws IOException {
        Path p = new Path(uri);
        return p.getFileSystem(hadoop()).exists(p);
    }

    static List<Path> files(String root) throws IOException {
        Path r = new Path(root);
        FileSystem fs = r.getFileSystem(hadoop());
        List<Path> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(r, true);
        while (it.hasNext()) {
            out.add(it.next().getPath());
        }
        return out;
    }
}
