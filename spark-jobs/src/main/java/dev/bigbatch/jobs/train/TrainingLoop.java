package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.exit.DivergenceError;
import dev.bigbatch.jobs.kfac.SparkFactorInverter;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.sampling.BatchNormSample;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import dev.bigbatch.jobs.sampling.TrainingSample;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.StepReport;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.stats.HostCopy;
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
 * optimizer take the step. Evaluates every {@code train.eval-every} steps and at the end, the evaluation split and, with
 * {@code train.eval-train-sample = n}, a fixed sample of n training examples ({@link TrainingSample}) the same way:
 * the weights the run returns ({@link EvaluationWeights}: the optimizer's evaluation weights, for Neumann w − μm with
 * batch-norm statistics recalibrated at them), inference mode, no augmentation, so the training loss of the model each
 * optimizer would return can be compared; checkpoints as configured;
 * stops with a {@link DivergenceError} on a NaN/Inf or exploding loss, before writing anything from that step.
 */
public final class TrainingLoop {
    /** The split name under which {@code train.eval-train-sample}'s evaluations are recorded. */
    public static final String TRAIN_SAMPLE = "train-sample";
    private final JavaSparkContext sc;
    private final ComputationGraph net;
    private final CachedSplit train;
    private final EvaluationSplit test;
    private final RunSpec spec;
    private final TrainSettings settings;
    private final OptimizerConfig optimizerConfig;
    private final MetricsWriter metrics;
    private final PrintStream console;
    private RunCheckpoints checkpoints = new RunCheckpoints(null, null, null);
    private Runnable afterEvaluation = () -> { };
    private String evalSplit = "test";

    public TrainingLoop(JavaSparkContext sc, ComputationGraph net, CachedSplit train, EvaluationSplit test,
                        RunSpec spec, TrainSettings settings, OptimizerConfig optimizerConfig, MetricsWriter metrics,
                        PrintStream console) {
        this.sc = sc;
        this.net = net;
        this.train = train;
        this.test = test;
        this.spec = spec;
        this.settings = settings;
        this.optimizerConfig = optimizerConfig;
        this.metrics = metrics;
        this.console = console;
    }

    /** Writes checkpoints through {@code c}. */
    public TrainingLoop checkpointing(RunCheckpoints c) {
        this.checkpoints = c;
        return this;
    }

    /**
     * The name of the evaluated split ({@code test} for CIFAR, {@code val} for ImageNet), as written in
     * {@code metrics.jsonl} and the console; {@code test} unless set.
     */
    public TrainingLoop evaluatedSplit(String name) {
        this.evalSplit = name;
        return this;
    }

    /** Called after each evaluation has been recorded (e.g. to refresh report.html). */
    public TrainingLoop afterEvaluation(Runnable r) {
        this.afterEvaluation = r;
        return this;
    }

    /**
     * @param network   the trained network, holding the evaluation parameters
     * @param finalEval evaluation at the end (null when there is no test split)
     * @param steps     total steps of the run
     * @param firstLoss mean training loss of the run's first step
     * @param lastLoss  mean training loss of the last step
     */
    public record Result(ComputationGraph network, Evaluation.Result finalEval, long steps, double firstLoss,
                         double lastLoss) {
    }

    /**
     * The optimizer a run of {@code trainExamples} training examples trains with, before any state is restored into
     * it (also how a warm start checks that a carried state fits, {@code cli.WarmStart}).
     */
    public static Optimizer optimizerFor(OptimizerConfig config, ParameterLayout layout, TrainSettings settings,
                                         long trainExamples) {
        long perEpoch = new GlobalBatchSampler(trainExamples, settings.globalBatchSize(), settings.ghostBatchSize(),
                settings.seed()).stepsPerEpoch();
        return config.create(layout, new TrainingShape(settings.totalSteps(perEpoch), perEpoch,
                settings.globalBatchSize()));
    }

    public Result run() {
        return run(RunCheckpoints.Start.fresh(net.params().dup()));
    }

    public Result run(RunCheckpoints.Start start) {
        ParameterLayout layout = ParameterLayout.of(net);
        INDArray params = start.params().castTo(net.params().dataType()).reshape(layout.size()).dup();
        GlobalBatchSampler sampler = new GlobalBatchSampler(train.count(), settings.globalBatchSize(),
                settings.ghostBatchSize(), settings.seed());
        long total = settings.totalSteps(sampler.stepsPerEpoch());
        Optimizer optimizer = optimizerFor(optimizerConfig, layout, settings, train.count());
        if (start.optimizerState() != null) {
            optimizer.restore(start.optimizerState());
            if (start.restartSchedule()) {
                optimizer.restartLearningRateSchedule();
            }
        }
        SparkFactorInverter.installOn(optimizer, sc);
        Broadcast<RunSpec> run = sc.broadcast(spec);
        DistributedStep distributed = new DistributedStep(sc, train, run);
        EvaluationWeights weights = evaluationWeights(optimizer, layout, distributed);
        EvaluationSplit sample = settings.trainSample() > 0
                ? EvaluationSplit.select(train, TrainingSample.ids(train.count(), settings.trainSample(),
                settings.seed()), settings.evalBatchSize(), "bigbatch training sample")
                : null;
        ProgressLine progress = new ProgressLine(console, total, settings.globalBatchSize());
        console.printf("bigbatch: %,d parameters, optimizer %s; %,d training examples, %d partitions, global batch %d "
                        + "(%d ghost batches of %d), %d steps (%d per epoch)%s%n", layout.size(), optimizer.name(),
                train.count(), train.partitions(), settings.globalBatchSize(), sampler.ghostBatchesPerStep(),
                settings.ghostBatchSize(), total, sampler.stepsPerEpoch(),
                start.step() > 0 ? ", resuming after step " + start.step() : "");
        double firstLoss = start.firstLoss();
        double lastLoss = Double.NaN;
        try {
            for (long step = start.step(); step < total; step++) {
                int epoch = sampler.epochOf(step);
                sc.setJobDescription("bigbatch train step " + (step + 1) + "/" + total + " (epoch " + (epoch + 1) + ")");
                long t0 = System.nanoTime();
                StepPlan plan = new StepPlan(step, epoch, sampler.exampleIds(step), HostCopy.floats(params),
                        optimizer.request());
                StepSums sums = distributed.compute(plan);
                lastLoss = sums.meanLoss();
                if (Double.isNaN(firstLoss)) {
                    firstLoss = lastLoss;
                }
                // This step's loss is that of the weights after `step` updates: the good ones are older.
                checkDivergence(step + 1, lastLoss, firstLoss, step - 1);
                StepReport report = optimizer.step(params, sums);
                if (!Double.isFinite(report.updateNorm())) {
                    throw new DivergenceError(step + 1, "the parameter update is not finite"
                            + checkpoints.lastGoodAdvice(step));
                }
                long nanos = System.nanoTime() - t0;
                progress.stepDone(nanos);
                boolean last = step + 1 == total;
                if ((step + 1) % settings.logEvery() == 0 || last) {
                    progress.print(epoch, step + 1, sums, report);
                    recordTrain(step + 1, epoch, sums, report, progress, nanos);
                }
                checkpoints.afterStep(step + 1, epoch, last, params, optimizer, weights, settings.seed(), firstLoss);
                boolean evalNow = settings.evalEvery() > 0 && (step + 1) % settings.evalEvery() == 0 && !last;
                if (evalNow) {
                    evaluate(run, sample, weights.at(step + 1, params), step + 1);
                }
            }
            INDArray finalParams = weights.at(total, params);
            Evaluation.Result finalEval = evaluate(run, sample, finalParams, total);
            net.setParams(finalParams);
            return new Result(net, finalEval, total, firstLoss, lastLoss);
        } finally {
            run.destroy();
            if (sample != null) {
                sample.release();
            }
        }
    }

    /** What is evaluated and exported, with batch norm recalibrated as {@code train.batch-norm-recalibration} says. */
    private EvaluationWeights evaluationWeights(Optimizer optimizer, ParameterLayout layout,
                                                DistributedStep distributed) {
        int batches = settings.batchNormRecalibration();
        BatchNormRecalibration recalibration = batches > 0 && BatchNormRecalibration.applies(layout)
                ? new BatchNormRecalibration(sc, distributed, layout, BatchNormSample.ids(train.count(), batches,
                settings.ghostBatchSize(), settings.seed()), settings.ghostBatchSize())
                : null;
        return new EvaluationWeights(optimizer, layout, recalibration, console);
    }

    /** @param goodThrough the most updates a checkpoint may hold and still have good weights */
    private void checkDivergence(long step, double loss, double firstLoss, long goodThrough) {
        if (!Double.isFinite(loss)) {
            throw new DivergenceError(step, "training loss is " + loss + "; lower optimizer.learning-rate or add "
                    + "warm-up (optimizer.schedule.warmup-steps)" + checkpoints.lastGoodAdvice(goodThrough));
        }
        double factor = settings.divergenceFactor();
        if (factor > 0 && loss > factor * firstLoss) {
            throw new DivergenceError(step, String.format("training loss %.4g exceeds train.divergence-factor (%.3g) "
                    + "times the first step's loss (%.4g)", loss, factor, firstLoss)
                    + checkpoints.lastGoodAdvice(goodThrough));
        }
    }

    private void recordTrain(long step, int epoch, StepSums sums, StepReport report, ProgressLine progress,
                             long nanos) {
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
        metrics.record(step, "train", m);
        metrics.flush();
    }

    /** Evaluates the evaluation split and the training sample (each if present); the evaluation split's result. */
    private Evaluation.Result evaluate(Broadcast<RunSpec> run, EvaluationSplit sample, INDArray evalParams,
                                       long step) {
        if (test == null && sample == null) {
            return null;
        }
        float[] p = HostCopy.floats(evalParams);
        Evaluation.Result r = test == null ? null : evaluate(run, test, evalSplit, p, step);
        if (sample != null) {
            evaluate(run, sample, TRAIN_SAMPLE, p, step);
        }
        afterEvaluation.run();
        return r;
    }

    private Evaluation.Result evaluate(Broadcast<RunSpec> run, EvaluationSplit split, String name, float[] params,
                                       long step) {
        sc.setJobDescription("bigbatch evaluate " + name + " split at step " + step);
        Evaluation.Result r = Evaluation.run(sc, split, run, params);
        console.printf("  eval @ step %d: %s loss %.4f | top1 %.4f | top5 %.4f (%,d examples)%n", step, name,
                r.loss(), r.top1(), r.top5(), r.count());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", r.loss());
        m.put("top1", r.top1());
        m.put("top5", r.top5());
        m.put("examples", r.count());
        m.put("time", System.currentTimeMillis());
        metrics.record(step, name, m);
        metrics.flush();
        return r;
    }
}
