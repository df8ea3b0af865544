package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.ImageDecoder;
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

    /** Decodes members (in position order) with augmentation seeded by (run seed, epoch, example id). */
    static GhostBatch decode(int index, GhostMember[] members, RunSpec run, int epoch) {
        ImageDecoder decoder = run.decoder();
        int n = members.length;
        int len = decoder.outputLength();
        float[] x = new float[n * len];
        float[] y = new float[n * run.network().classes()];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            GhostMember m = members[i];
            ids[i] = m.id();
            long seed = Seeds.derive(run.seed(), Seeds.AUGMENTATION, epoch, m.id());
            decoder.decode(m.image(), run.augment(), seed, x, i * len);
            if (m.label() < 0 || m.label() >= run.network().classes()) {
                throw new IllegalStateException("example " + m.id() + " has label " + m.label() + " outside 0.."
                        + (run.network().classes() - 1));
            }
            y[i * run.network().classes() + m.label()] = 1f;
        }
        var spec = run.network();
        var features = Nd4j.create(x, new long[]{n, spec.channels(), spec.height(), spec.width()}, 'c');
        var labels = Nd4j.create(y, new long[]{n, spec.classes()}, 'c');
        return new GhostBatch(index, ids, new DataSet(features, labels));
    }
}
