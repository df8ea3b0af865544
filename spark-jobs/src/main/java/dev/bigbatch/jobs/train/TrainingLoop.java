package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.exit.DivergenceError;
import dev.bigbatch.jobs.run.MetricsLog;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.StepReport;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The synchronous, driver-aggregated loop. Each step: broadcast the parameters and the step's plan, let every
 * partition compute the sums of its ghost batches, aggregate them along the ghost-batch tree, and let the driver's
 * optimizer take the step. Evaluates every {@code train.eval-every} steps and at the end.
 */
public final class TrainingLoop {
    private final JavaSparkContext sc;
    private final ComputationGraph initial;
    private final CachedSplit train;
    private final CachedSplit test;
    private final RunSpec spec;
    private final TrainSettings settings;
    private final OptimizerConfig optimizerConfig;
    private final MetricsLog metrics;
    private final PrintStream console;

    public TrainingLoop(JavaSparkContext sc, ComputationGraph initial, CachedSplit train, CachedSplit test, RunSpec spec, TrainSettings settings,
                        OptimizerConfig optimizerConfig, MetricsLog metrics, PrintStream console) {
        this.sc = sc;
        this.initial = initial;
        this.train = train;
        this.test = test;
        this.spec = spec;
        this.settings = settings;
        this.optimizerConfig = optimizerConfig;
        this.metrics = metrics;
        this.console = console;
    }

    /**
     * @param network    the trained network, holding the evaluation parameters
     * @param finalEval  evaluation at the end (null when there is no test split)
     * @param steps      steps taken
     * @param firstLoss  mean training loss of the first step
     * @param lastLoss   mean training loss of the last step
     */
    public record Result(ComputationGraph network, Evaluation.Result finalEval, long steps, double firstLoss,
                         double lastLoss) {
    }

    public Result run() {
        ComputationGraph net = initial;
        ParameterLayout layout = ParameterLayout.of(net);
        INDArray params = net.params().dup();
        GlobalBatchSampler sampler = new GlobalBatchSampler(train.count(), settings.globalBatchSize(),
                settings.ghostBatchSize(), settings.seed());
        long total = settings.totalSteps(sampler.stepsPerEpoch());
        Optimizer optimizer = optimizerConfig.create(layout,
                new TrainingShape(total, sampler.stepsPerEpoch(), settings.globalBatchSize()));
        Broadcast<RunSpec> run = sc.broadcast(spec);
        DistributedStep distributed = new DistributedStep(sc, train, run);
        ProgressLine progress = new ProgressLine(console, total, settings.globalBatchSize());
        console.printf("bigbatch: %,d parameters, optimizer %s; %,d training examples, %d partitions, global batch %d "
                        + "(%d ghost batches of %d), %d steps (%d per epoch)%n", layout.size(),
                optimizer.name(), train.count(), train.partitions(), settings.globalBatchSize(),
                sampler.ghostBatchesPerStep(), settings.ghostBatchSize(), total, sampler.stepsPerEpoch());
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        try {
            for (long step = 0; step < total; step++) {
                int epoch = sampler.epochOf(step);
                sc.setJobDescription("bigbatch train step " + (step + 1) + "/" + total + " (epoch " + (epoch + 1) + ")");
                long t0 = System.nanoTime();
                StepPlan plan = new StepPlan(step, epoch, sampler.exampleIds(step), params.toFloatVector(),
                        optimizer.request());
                StepSums sums = distributed.compute(plan);
                if (!Double.isFinite(sums.meanLoss())) {
                    throw new DivergenceError(step + 1, "training loss is " + sums.meanLoss()
                            + "; lower optimizer.learning-rate or add warm-up (optimizer.schedule.warmup-steps)");
                }
                StepReport report = optimizer.step(params, sums);
                if (!Double.isFinite(report.updateNorm())) {
                    throw new DivergenceError(step + 1, "the parameter update is not finite");
                }
                long nanos = System.nanoTime() - t0;
                lastLoss = sums.meanLoss();
                if (step == 0) {
                    firstLoss = lastLoss;
                }
                progress.stepDone(nanos);
                if ((step + 1) % settings.logEvery() == 0 || step + 1 == total) {
                    progress.print(epoch, step + 1, sums, report);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("epoch", epoch + 1);
                    m.put("loss", sums.meanLoss());
                    m.put("top1", sums.top1());
                    m.put("top5", sums.top5());
                    m.put("lr", report.learningRate());
                    m.put("grad_norm", report.gradientNorm());
                    m.put("images_per_sec", progress.imagesPerSecond());
                    m.put("step_time_ms", nanos / 1e6);
                    m.put("time", System.currentTimeMillis());
                    metrics.record(step + 1, "train", m);
                    metrics.flush();
                }
                boolean evalNow = settings.evalEvery() > 0 && (step + 1) % settings.evalEvery() == 0 && step + 1 < total;
                if (evalNow && test != null) {
                    evaluate(run, optimizer.evaluationParameters(params), step + 1);
                }
            }
            Evaluation.Result last = null;
            INDArray finalParams = optimizer.evaluationParameters(params);
            if (test != null) {
                last = evaluate(run, finalParams, total);
            }
            net.setParams(finalParams);
            return new Result(net, last, total, firstLoss, lastLoss);
        } finally {
            run.destroy();
        }
    }

    private Evaluation.Result evaluate(Broadcast<RunSpec> run, INDArray evalParams, long step) {
        sc.setJobDescription("bigbatch evaluate test split at step " + step);
        Evaluation.Result r = Evaluation.run(sc, test, run, evalParams.toFloatVector(), settings.evalBatchSize());
        console.printf("  eval @ step %d: test loss %.4f | top1 %.4f | top5 %.4f (%,d examples)%n", step, r.loss(),
                r.top1(), r.top5(), r.count());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", r.loss());
        m.put("top1", r.top1());
        m.put("top5", r.top5());
        m.put("examples", r.count());
        m.put("time", System.currentTimeMillis());
        metrics.record(step, "test", m);
        metrics.flush();
        return r;
    }
}
