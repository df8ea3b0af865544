package dev.bigbatch.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.bigbatch.data.image.ChannelNormalization;
import dev.bigbatch.data.image.EncodedImage;
import dev.bigbatch.data.image.ImageExampleDecoder;
import dev.bigbatch.data.image.ImageTensor;
import dev.bigbatch.data.image.NativeImageDecoder;
import dev.bigbatch.data.image.OrderedPrefetchIterator;
import dev.bigbatch.data.image.RandomResizedCropTransform;
import dev.bigbatch.data.imagenet.ImagenetPreparation;
import dev.bigbatch.data.imagenet.ImagenetPreparationOptions;
import dev.bigbatch.data.imagenet.PreparationResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Input-pipeline benchmarks, on generated photo-like JPEGs (shapes, blur and ±32 texture noise; q90, ~500x375):
 * <ol>
 *   <li>{@code decode}: decode + random-resized-crop 224 + flip + normalize, one thread (images/s per core);</li>
 *   <li>{@code prefetch}: mean training-step time on pre-decoded tensors vs JPEGs decoded by the ordered prefetcher
 *       (1 worker) vs JPEGs decoded inline, where a step is a busy computation longer than decoding its batch;</li>
 *   <li>{@code prepare}: prepare-imagenet images/s on local[2] over a generated train tar of per-class tars.</li>
 * </ol>
 * Arguments: any of {@code decode prefetch prepare} (default all; {@code --help} describes them). OpenCV runs
 * single-threaded, as on executors, where parallelism comes from tasks and prefetch threads.
 */
public final class ImagePipelineBench {

    private static final int WIDTH = 500;
    private static final int HEIGHT = 375;
    private static final int DISTINCT_IMAGES = 64;
    private static final int BATCH = 32;
    private static final int STEPS = 15;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ImagePipelineBench() {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), ImagePipelineBench::read, ImagePipelineBench::run);
    }

    static BenchDeclaration options() {
        return BenchOptions.declare("ImagePipelineBench", "Input-pipeline benchmarks on generated photo-like "
                        + WIDTH + "x" + HEIGHT + " JPEGs: the sections given, or all")
                .word("decode", "decode + random-resized-crop 224 + flip + normalize, one thread (images/s per core)")
                .word("prefetch", "mean training-step time on pre-decoded tensors vs JPEGs decoded by the ordered "
                        + "prefetcher (1 worker) vs JPEGs decoded inline")
                .word("prepare", "prepare-imagenet images/s on local[2] over a generated train tar of per-class tars");
    }

    /** The sections to run: those given, or all. */
    static Set<String> read(BenchOptions options) {
        return options.words().isEmpty() ? Set.copyOf(options().words()) : options.words();
    }

    private static void run(Set<String> sections) throws Exception {
        opencv_core.setNumThreads(1);
        List<byte[]> jpegs = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < DISTINCT_IMAGES; i++) {
            jpegs.add(photoJpeg(WIDTH, HEIGHT, i));
            bytes += jpegs.get(i).length;
        }
        System.out.printf("%d generated %dx%d JPEGs, mean %.1f KB%n", DISTINCT_IMAGES, WIDTH, HEIGHT,
                bytes / 1024.0 / DISTINCT_IMAGES);
        ImageExampleDecoder decoder = new ImageExampleDecoder(
                RandomResizedCropTransform.standard(ChannelNormalization.IMAGENET));
        System.out.println("load average at start: " + loadAverage());
        double[] rate = decodeRate(decoder, jpegs, 1500);
        if (sections.contains("decode")) {
            System.out.printf("decode+RRC224+flip+normalize, 1 thread: %.1f images/s wall, %.1f images per "
                    + "CPU-second%n", rate[0], rate[1]);
            List<byte[]> prepared = new ArrayList<>();
            for (int i = 0; i < DISTINCT_IMAGES; i++) {
                prepared.add(photoJpeg(427, 320, i));
            }
            double[] small = decodeRate(decoder, prepared, 1500);
            System.out.printf("same at the prepared size 427x320:    %.1f images/s wall, %.1f images per CPU-second%n",
                    small[0], small[1]);
        }
        if (sections.contains("prefetch")) {
            prefetchOverlap(decoder, jpegs, rate[1]);
        }
        if (sections.contains("prepare")) {
            prepareRate();
        }
        System.out.println("load average at end: " + loadAverage());
    }

    /** The machine's 1/5/15-minute load averages: other processes compete with every number printed here. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {images per wall-clock second, images per CPU-second of this thread}. */
    private static double[] decodeRate(ImageExampleDecoder decoder, List<byte[]> jpegs, int n) {
        for (int i = 0; i < 200; i++) {
            decoder.apply(example(jpegs, i));
        }
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            decoder.apply(example(jpegs, i));
        }
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new double[] {n / ((System.nanoTime() - start) / 1e9), n / cpuSeconds};
    }

    /** @param cpuRate images decoded per CPU-second on one thread */
    private static void prefetchOverlap(ImageExampleDecoder decoder, List<byte[]> jpegs, double cpuRate) {
        // the step is 1.5x the CPU time of decoding its batch: decoding is faster than training
        long stepNanos = Math.max(100_000_000L, (long) (1.5 * BATCH / cpuRate * 1e9));
        System.out.printf("prefetch overlap: batch %d, simulated step %.0f ms, decoding a batch on one thread ~%.0f ms "
                + "of CPU time%n", BATCH, stepNanos / 1e6, BATCH / cpuRate * 1e3);
        List<ImageTensor> predecoded = new ArrayList<>();
        for (int i = 0; i < BATCH * (STEPS + 2); i++) {
            predecoded.add(decoder.apply(example(jpegs, i)));
        }
        for (boolean busy : new boolean[] {true, false}) {
            System.out.println(busy ? "  step = busy compute on the training thread (a CPU step):"
                    : "  step = the training thread waits (a GPU step: host idle while the device computes):");
            double[] pre = meanStep(predecoded.iterator(), stepNanos, busy);
            double[] prefetched;
            try (OrderedPrefetchIterator<EncodedImage, ImageTensor> it =
                         decoder.prefetch(examples(jpegs, BATCH * (STEPS + 2)), 1, 2 * BATCH)) {
                prefetched = meanStep(it, stepNanos, busy);
            }
            Iterator<EncodedImage> source = examples(jpegs, BATCH * (STEPS + 2));
            double[] inline = meanStep(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return source.hasNext();
                }

                @Override
                public ImageTensor next() {
                    return decoder.apply(source.next());
                }
            }, stepNanos, busy);
            System.out.printf("    pre-decoded tensors:       step %.1f ms, waiting for data %.2f ms%n", pre[0],
                    pre[1]);
            System.out.printf("    JPEG + prefetch, 1 worker: step %.1f ms, waiting for data %.2f ms (step %+.1f%% vs "
                    + "pre-decoded)%n", prefetched[0], prefetched[1], 100 * (prefetched[0] / pre[0] - 1));
            System.out.printf("    JPEG decoded inline:       step %.1f ms, waiting for data %.2f ms%n", inline[0],
                    inline[1]);
        }
    }

    /**
     * {mean step wall time, mean time waiting for the batch} in ms over steps 3..STEPS+2 (two warm-up steps). A step
     * takes a batch, then either computes busily until this thread has used {@code stepNanos} of CPU ({@code busy}),
     * or sleeps {@code stepNanos}. CPU time rather than wall time for the busy step keeps it a fixed amount of work
     * when other processes share the cores.
     */
    private static double[] meanStep(Iterator<ImageTensor> batches, long stepNanos, boolean busy) {
        double total = 0;
        double waiting = 0;
        float sink = 0;
        for (int step = 0; step < STEPS + 2; step++) {
            long start = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                sink += batches.next().chw()[i];
            }
            long got = System.nanoTime();
            if (busy) {
                long cpuDeadline = THREADS.getCurrentThreadCpuTime() + stepNanos;
                while (THREADS.getCurrentThreadCpuTime() < cpuDeadline) {
                    for (int k = 0; k < 1000; k++) {
                        sink = sink * 0.999f + 1f; // stands in for the forward/backward pass on this thread
                    }
                }
            } else {
                LockSupport.parkNanos(stepNanos);
            }
            if (step >= 2) {
                total += System.nanoTime() - start;
                waiting += got - start;
            }
        }
        if (sink == Float.MIN_VALUE) {
            System.out.println(); // keeps the loop from being optimized away
        }
        return new double[] {total / STEPS / 1e6, waiting / STEPS / 1e6};
    }

    private static void prepareRate() throws IOException {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("prepare-imagenet-bench")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path dir = Files.createTempDirectory("bigbatch-prepare-bench");
        try {
            run(spark, trainTar(dir.resolve("warmup.tar"), 2, 10), dir.resolve("warmup-out"));
            int classes = 8;
            int perClass = 50;
            Path tar = trainTar(dir.resolve("train.tar"), classes, perClass);
            long start = System.nanoTime();
            PreparationResult result = run(spark, tar, dir.resolve("out"));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("prepare-imagenet local[2]: %d images (%d classes, %.1f MB tar) in %.1f s = %.1f "
                            + "images/s (defaults: shorter side %d, quality %d)%n", result.split("train").read(),
                    classes, Files.size(tar) / 1e6, seconds, result.split("train").read() / seconds,
                    ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE, ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY);
        } finally {
            spark.stop();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static PreparationResult run(SparkSession spark, Path tar, Path out) throws IOException {
        return ImagenetPreparation.run(spark, ImagenetPreparationOptions.of(tar.toString(), null, null,
                out.toString()));
    }

    /** ILSVRC-shaped train tar: one {@code nXXXXXXXX.tar} of JPEGs per class. */
    private static Path trainTar(Path file, int classes, int perClass) throws IOException {
        try (TarArchiveOutputStream outer = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            for (int c = 0; c < classes; c++) {
                String wnid = String.format("n%08d", 1440764 + c);
                ByteArrayOutputStream innerBytes = new ByteArrayOutputStream();
                try (TarArchiveOutputStream inner = new TarArchiveOutputStream(innerBytes)) {
                    for (int i = 0; i < perClass; i++) {
                        put(inner, wnid + "_" + i + ".JPEG", photoJpeg(WIDTH, HEIGHT, c * 1000L + i));
                    }
                }
                put(outer, wnid + ".tar", innerBytes.toByteArray());
            }
        }
        return file;
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static EncodedImage example(List<byte[]> jpegs, long i) {
        return new EncodedImage(i, 0, jpegs.get((int) (i % jpegs.size())), 0x9E3779B97F4A7C15L * (i + 1));
    }

    private static Iterator<EncodedImage> examples(List<byte[]> jpegs, int n) {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public EncodedImage next() {
                return example(jpegs, i++);
            }
        };
    }

    /** Random filled shapes, blurred, plus uniform ±32 noise as texture (JPEG sizes near real photos'). */
    static byte[] photoJpeg(int width, int height, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (Mat m = new Mat(height, width, CV_8UC3, new Scalar(r.nextInt(256), r.nextInt(256), r.nextInt(256), 0));
             Size blur = new Size(0, 0)) {
            for (int i = 0; i < 40; i++) {
                try (Scalar colour = new Scalar(r.nextInt(256), r.nextInt(256), r.nextInt(256), 0);
                     Point p = new Point(r.nextInt(width), r.nextInt(height));
                     Point q = new Point(r.nextInt(width), r.nextInt(height))) {
                    if (r.nextBoolean()) {
                        circle(m, p, 5 + r.nextInt(80), colour, -1, LINE_AA, 0);
                    } else {
                        rectangle(m, p, q, colour, -1, LINE_AA, 0);
                    }
                }
            }
            GaussianBlur(m, m, blur, 2.0);
            byte[] pixels = new byte[width * height * 3];
            m.data().get(pixels);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) Math.max(0, Math.min(255, (pixels[i] & 0xFF) + r.nextInt(65) - 32));
            }
            m.data().put(pixels);
            return NativeImageDecoder.encodeJpeg(m, 90);
        }
    }
}
