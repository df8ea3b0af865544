package dev.bigbatch.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code evaluate} on a model whose accuracy is known exactly, and on checkpoints. */
class EvaluateTest {
    @TempDir
    static Path tmp;
    static String dataset;
    static DatasetManifest manifest;

    @BeforeAll
    static void data() throws Exception {
        dataset = MainTest.syntheticDataset(tmp, 256, 200, 3, 4);
        manifest = DatasetManifest.load(dataset, new Configuration());
    }

    @Test
    void constantPredictorHasTheAccuracyOfItsClassShare() throws Exception {
        // All weights zero, output bias (2, 0, 0): every image gets softmax(2, 0, 0), so class 0 is always predicted.
        ComputationGraph net = ModelFactory.build(new ModelSpec("small-cnn", 4, 3, 3, 32, 32, 1));
        net.params().assign(0);
        net.getLayer("out").getParam("b").assign(Nd4j.createFromArray(2f, 0f, 0f).reshape(1, 3));
        Path model = tmp.resolve("constant.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        Path out = tmp.resolve("constant-eval.json");
        MainTest.Outcome r = main("evaluate", "--model", model.toUri().toString(), "--data", dataset, "--out",
                out.toUri().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(Files.readString(out));
        var perClass = manifest.split("test").perClass();
        long n = manifest.split("test").count();
        double z = Math.exp(2) + 2;
        double expectedLoss = (perClass.get(0) * -Math.log(Math.exp(2) / z)
                + (perClass.get(1) + perClass.get(2)) * -Math.log(1 / z)) / n;
        assertEquals((double) perClass.get(0) / n, j.get("top1").asDouble(), 1e-12);
        assertEquals(1.0, j.get("top5").asDouble(), 0.0);
        assertEquals(expectedLoss, j.get("loss").asDouble(), 1e-5);
        assertEquals(1.0, j.get("perClassTop1").get(manifest.classes().get(0)).asDouble(), 0.0);
        assertEquals(0.0, j.get("perClassTop1").get(manifest.classes().get(1)).asDouble(), 0.0);
        assertEquals(n, j.get("examples").asLong());
    }

    /**
     * The numbers written do not depend on {@code --partitions}, bit for bit: each example is always evaluated in the
     * same batch of the id-ordered split, and the batches are summed along one fixed tree. (Before, 1 and 3 partitions
     * differed in the loss's last digits: the network's float output depends on the batch an example runs in.)
     */
    @Test
    void theSameNumbersForAnyPartitionCount() throws Exception {
        ComputationGraph net = ModelFactory.build(new ModelSpec("small-cnn", 4, 3, 3, 32, 32, 7));
        Path model = tmp.resolve("random.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        String expected = null;
        for (String partitions : new String[]{"1", "2", "3"}) {
            Path out = tmp.resolve("random-eval-" + partitions + ".json");
            MainTest.Outcome r = main("evaluate", "--model", model.toUri().toString(), "--data", dataset,
                    "--partitions", partitions, "--batch-size", "48", "--out", out.toUri().toString());
            assertEquals(0, r.code(), r.err());
            String json = Files.readString(out);
            if (expected == null) {
                expected = json;
                long examples = new ObjectMapper().readTree(json).get("examples").asLong();
                assertEquals(manifest.split("test").count(), examples);
            } else {
                assertEquals(expected, json, partitions + " partitions");
            }
        }
    }

    /**
     * The size a model was trained at is the default input size for JPEG datasets only: a CIFAR-format dataset is fed
     * as stored, and asking it for another size is refused naming {@code --image-size}, the option, not the config key.
     */
    @Test
    void aFixedSizeDatasetIsFedAsStoredWhateverSizeTheModelWasTrainedAt() throws Exception {
        Path run = tmp.resolve("trained-at-64");
        Files.createDirectories(run);
        Files.writeString(run.resolve(RunDirectory.CONFIG), "data { image-size = 64 }\n");
        ComputationGraph net = ModelFactory.build(new ModelSpec("small-cnn", 4, 3, 3, 32, 32, 1));
        ModelSerializer.writeModel(net, run.resolve(RunDirectory.MODEL).toFile(), false);
        String model = run.resolve(RunDirectory.MODEL).toUri().toString();
        MainTest.Outcome asStored = main("evaluate", "--model", model, "--data", dataset);
        assertEquals(0, asStored.code(), asStored.err());
        MainTest.Outcome other = main("evaluate", "--model", model, "--data", dataset, "--image-size", "64");
        assertEquals(ExitCode.CONFIG_ERROR.code(), other.code(), other.err());
        assertTrue(other.err().contains("--image-size: dataset " + dataset + " stores 32x32 images")
                && other.err().contains("found 64"), other.err());
    }

    @Test
    void checkpointEvaluatesLikeTheFinalModelEvenForNeumannsDisplacedWeights() throws Exception {
        Path run = tmp.resolve("neumann");
        MainTest.Outcome t = main("train", "--out", run.toUri().toString(), "--set", "data.path=" + dataset,
                "--set", "model.name=small-cnn", "--set", "model.width=4", "--set", "train.global-batch-size=64",
                "--set", "train.steps=6", "--set", "train.checkpoint-every=3", "--set", "optimizer.name=neumann",
                "--set", "optimizer.sgd-warmup-epochs=0.25", "--set", "optimizer.learning-rate=0.05");
        assertEquals(0, t.code(), t.err());
        var fromZip = SavedModels.load(run.resolve("model.zip").toString(), new Configuration()).params();
        var fromCkpt = SavedModels.load(run.resolve("checkpoints/ckpt-6").toString(), new Configuration()).params();
        assertEquals(fromZip, fromCkpt, "the final checkpoint must evaluate the same weights as model.zip (w - mu*m)");
        var displaced = new dev.bigbatch.jobs.checkpoint.CheckpointStore(
                new org.apache.hadoop.fs.Path(run.resolve("checkpoints").toUri()), new Configuration(), 9).read(6)
                .parameters();
        assertTrue(!displaced.equals(fromZip.reshape(displaced.shape())), "Neumann stores displaced weights");
        Path out = tmp.resolve("ckpt-eval.json");
        MainTest.Outcome e = main("evaluate", "--model", run.resolve("checkpoints/ckpt-3").toUri().toString(),
                "--data", dataset, "--out", out.toUri().toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(new ObjectMapper().readTree(Files.readString(out)).has("perClassTop1"));
    }

    @Test
    void evaluatingARunsModelReproducesItsOwnEvaluationToTheBit() throws Exception {
        // train.eval-batch-size 40 cuts the 200 test examples into 5 batches; evaluate's fallback of 256 would run
        // them as one, and the network's float outputs depend on the batch they run in.
        Path run = tmp.resolve("eval-batch-40");
        MainTest.Outcome t = main("train", "--out", run.toUri().toString(), "--set", "data.path=" + dataset,
                "--set", "model.name=small-cnn", "--set", "model.width=4", "--set", "train.global-batch-size=64",
                "--set", "train.steps=2", "--set", "train.eval-batch-size=40", "--set", "data.partitions=3");
        assertEquals(0, t.code(), t.err());
        Path out = tmp.resolve("again.json");
        MainTest.Outcome e = main("evaluate", "--model", run.resolve(RunDirectory.MODEL).toUri().toString(),
                "--data", dataset, "--out", out.toUri().toString());
        assertEquals(0, e.code(), e.err());
        ObjectMapper json = new ObjectMapper();
        var own = json.readTree(Files.readString(run.resolve(RunDirectory.EVALUATION)));
        var again = json.readTree(Files.readString(out));
        assertEquals(own.get("examples").asLong(), again.get("examples").asLong());
        assertEquals(own.get("loss").asDouble(), again.get("loss").asDouble(), 0.0);
        assertEquals(own.get("top1").asDouble(), again.get("top1").asDouble(), 0.0);
    }

    @Test
    void anEmptySplitHasNullLossAndAccuracyNotTheStringNaN() throws Exception {
        var empty = new dev.bigbatch.jobs.train.Evaluation.Result(Double.NaN, Double.NaN, Double.NaN, 0,
                new double[]{Double.NaN, Double.NaN, Double.NaN});
        var o = new ObjectMapper().readTree(TrainCommand.evaluationJson(empty, "val", manifest));
        assertEquals(0, o.get("examples").asLong());
        assertTrue(o.get("loss").isNull() && o.get("top1").isNull() && o.get("top5").isNull(), o.toString());
    }
}
