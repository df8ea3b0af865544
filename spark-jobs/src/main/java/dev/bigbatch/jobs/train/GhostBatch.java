package dev.bigbatch.jobs.train;

import dev.bigbatch.data.image.ImageDecodeException;
import dev.bigbatch.jobs.data.ImageDecoder;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.jobs.sampling.Seeds;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One ghost batch's members, in step order, and their decoded, augmented tensors.
 *
 * @param index position of the ghost batch in the step
 * @param ids   global example ids
 * @param data  features [g, C, H, W] and one-hot labels [g, classes]
 */
public record GhostBatch(int index, long[] ids, DataSet data) {

    /** Decodes members (in position order) with augmentation seeded by (run seed, epoch, example id), inline. */
    static GhostBatch decode(int index, GhostMember[] members, RunSpec run, int epoch) {
        int len = run.decoder().outputLength();
        float[] x = new float[members.length * len];
        for (int i = 0; i < members.length; i++) {
            decodeExample(members[i], run, epoch, x, i * len);
        }
        return of(index, members, x, run);
    }

    /**
     * Decodes one member into {@code x[offset, offset + outputLength)}; its seed depends only on (run seed, epoch,
     * example id), so any thread may do it. An image that cannot be decoded is a {@link DataError} naming the example.
     */
    static void decodeExample(GhostMember m, RunSpec run, int epoch, float[] x, int offset) {
        long seed = Seeds.derive(run.seed(), Seeds.AUGMENTATION, epoch, m.id());
        try {
            run.decoder().decode(m.image(), run.augment(), seed, x, offset);
        } catch (ImageDecodeException | IllegalArgumentException e) {
            throw new DataError("training example id " + m.id() + " (label " + m.label() + ", " + m.image().length
                    + " bytes) cannot be decoded: " + e.getMessage() + "; prepare the dataset again", e);
        }
    }

    /** The ghost batch of {@code members} whose features {@code x} are decoded; builds the arrays on this thread. */
    static GhostBatch of(int index, GhostMember[] members, float[] x, RunSpec run) {
        ImageDecoder decoder = run.decoder();
        int n = members.length;
        int classes = run.network().classes();
        float[] y = new float[n * classes];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            GhostMember m = members[i];
            ids[i] = m.id();
            if (m.label() < 0 || m.label() >= classes) {
                throw new IllegalStateException("example " + m.id() + " has label " + m.label() + " outside 0.."
                        + (classes - 1));
            }
            y[i * classes + m.label()] = 1f;
        }
        var spec = run.network();
        if (decoder.outputLength() != spec.inputLength()) {
            throw new IllegalStateException("decoder writes " + decoder.outputLength() + " values per example, the "
                    + "network takes " + spec.channels() + "x" + spec.height() + "x" + spec.width());
        }
        var features = Nd4j.create(x, new long[]{n, spec.channels(), spec.height(), spec.width()}, 'c');
        var labels = Nd4j.create(y, new long[]{n, classes}, 'c');
        return new GhostBatch(index, ids, new DataSet(features, labels));
    }
}
