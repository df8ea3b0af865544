package dev.bigbatch.data.cifar;

import dev.bigbatch.data.io.AtomicFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic stand-in for {@code cifar-10-binary.tar.gz}: same member names, record layout and class-list file,
 * so every CIFAR code path can run without the download. Seeded and deterministic: the same arguments give the same
 * member contents on every JVM (only {@link StrictMath} and {@link SplittableRandom} are involved) and the same
 * archive bytes wherever the JDK's zlib compresses alike.
 *
 * <p>Image model. Each class c has a prototype P_c: a sum of {@value SyntheticImages#WAVES_PER_CLASS} plane
 * waves with random integer frequencies |f_x|, |f_y| &le; {@value SyntheticImages#MAX_FREQUENCY} cycles per image,
 * random phase and a random colour (an amplitude per channel), scaled to unit RMS. An example of class c is
 * <pre>
 *   x = T_{dy,dx,flip}( w P_c + (1 - w) P_d ) + j + n,    pixel = clamp(round(127.5 + 48 x), 0, 255)
 * </pre>
 * with c uniform, d a uniform other class, w ~ U(0.45, 0.75), T a circular shift by dy, dx ~ U{-8..8} followed by
 * a horizontal flip with probability 1/2, j a per-channel colour offset ~ U(-0.3, 0.3) and n per-pixel noise
 * ~ U(-0.8, 0.8). The class is in the texture, not in the mean colour, and the random shift and flip move it
 * around, so a model on raw pixels does much worse than a translation-invariant one: on 2000/1000 examples of 10
 * classes (seeds 1-3) a nearest-class-mean classifier on pixels scores 0.37-0.46 (chance 0.1), the same classifier
 * on shift- and flip-invariant Fourier magnitudes 0.80-0.81 ({@code SyntheticCifarTest} checks this). Since w can be
 * below 1/2, one example in six is dominated by another class's prototype, which bounds what any model can reach.
 *
 * <p>The training records are spread over {@code data_batch_1..5} as evenly as possible (the first batches take one
 * more when the count does not divide by five); {@code batches.meta.txt} lists {@code class_0 .. class_{C-1}}.
 *
 * @param train   training records, &ge; 1
 * @param test    test records, &ge; 0
 * @param classes number of classes, 2 to 10 (the CIFAR-10 format allows no more)
 * @param seed    the random seed
 */
public record SyntheticCifar(int train, int test, int classes, long seed) {
    public static final int MIN_CLASSES = 2;
    private static final int TRAIN_BATCHES = 5;
    /** A fixed member time, so that the archive bytes depend only on the arguments. */
    private static final long MEMBER_TIME_MILLIS = 0;

    public SyntheticCifar {
        if (train < 1) {
            throw new IllegalArgumentException("train must be at least 1, found " + train);
        }
        if (test < 0) {
            throw new IllegalArgumentException("test must be at least 0, found " + test);
        }
        if (classes < MIN_CLASSES || classes > CifarVariant.CIFAR_10.maxClasses()) {
            throw new IllegalArgumentException("classes must be in [" + MIN_CLASSES + ", "
                    + CifarVariant.CIFAR_10.maxClasses() + "] for the CIFAR-10 format, found " + classes);
        }
    }

    /** The number of records in {@code data_batch_(b+1).bin}, b in 0..4. */
    public int batchSize(int b) {
        return train / TRAIN_BATCHES + (b < train % TRAIN_BATCHES ? 1 : 0);
    }

    /** Writes the {@code .tar.gz} to {@code out}, which is left open. */
    public void write(OutputStream out) throws IOException {
        SplittableRandom root = new SplittableRandom(seed);
        SyntheticImages images = new SyntheticImages(classes, root.split());
        SplittableRandom trainRandom = root.split();
        SplittableRandom testRandom = root.split();
        CifarVariant v = CifarVariant.CIFAR_10;
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(new NonClosing(out));
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.putArchiveEntry(entry(v.folder(), 0));
            tar.closeArchiveEntry();
            StringBuilder names = new StringBuilder();
            for (int c = 0; c < classes; c++) {
                names.append("class_").append(c).append('\n');
            }
            writeText(tar, v.classNamesMember(), names.toString());
            List<String> batches = v.dataMembers(CifarSplit.TRAIN);
            for (int b = 0; b < batches.size(); b++) {
                writeRecords(tar, batches.get(b), batchSize(b), images, trainRandom);
            }
            writeRecords(tar, v.dataMembers(CifarSplit.TEST).get(0), test, images, testRandom);
            writeText(tar, v.folder() + "readme.html", "<html><body>Synthetic CIFAR-10 lookalike from bigbatch: "
                    + this + ". Not the real data.</body></html>\n");
        }
    }

    /**
     * Writes the archive to any Hadoop URI: first under a hidden temporary name in the same directory, then renamed,
     * so the destination never holds a partial file.
     *
     * @throws FileAlreadyExistsException if the destination exists and {@code overwrite} is false
     */
    public void write(String uri, Configuration conf, boolean overwrite) throws IOException {
        Path target = new Path(uri);
        FileSystem fs = target.getFileSystem(conf);
        if (!overwrite && fs.exists(target)) {
            throw new FileAlreadyExistsException(uri + " exists; delete it or pass --overwrite");
        }
        AtomicFiles.write(target, conf, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 20);
            write(buffered);
            buffered.flush();
        });
    }

    private static void writeRecords(TarArchiveOutputStream tar, String name, int count, SyntheticImages images,
                                     SplittableRandom random) throws IOException {
        CifarVariant v = CifarVariant.CIFAR_10;
        tar.putArchiveEntry(entry(name, (long) count * v.recordBytes()));
        byte[] image = new byte[CifarVariant.IMAGE_BYTES];
        for (int i = 0; i < count; i++) {
            tar.write(images.draw(random, image));
            tar.write(image);
        }
        tar.closeArchiveEntry();
    }

    private static void writeText(TarArchiveOutputStream tar, String name, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tar.putArchiveEntry(entry(name, bytes.length));
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setModTime(MEMBER_TIME_MILLIS);
        e.setUserName("");
        e.setGroupName("");
        e.setIds(0, 0);
        return e;
    }

    /** Lets the tar and gzip streams finish without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
