package dev.bigbatch.jobs.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Top-1 and top-k counts from class scores and one-hot labels. Ties count against the example (a tied score of
 * another class ranks first), so a constant output is never "correct".
 */
final class Accuracy {
    private Accuracy() {
    }

    /** {correct top-1, correct top-k}. */
    static long[] count(INDArray scores, INDArray oneHot, int k) {
        float[][] s = scores.toFloatMatrix();
        float[][] y = oneHot.toFloatMatrix();
        long top1 = 0;
        long topk = 0;
        for (int i = 0; i < s.length; i++) {
            int label = argmax(y[i]);
            float mine = s[i][label];
            int better = 0;
            for (int c = 0; c < s[i].length; c++) {
                if (c != label && s[i][c] >= mine) {
                    better++;
                }
            }
            if (better == 0) {
                top1++;
            }
            if (better < k) {
                topk++;
            }
        }
        return new long[]{top1, topk};
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
