package dev.bigbatch.bench;

import java.util.Arrays;
import java.util.Map;

/** {@link KfacStepBench}'s timed steps of one kind, per round: wall and process CPU time, Spark and driver parts. */
final class KfacStepSamples {
    /** SGD-momentum, and K-FAC's three kinds of step. */
    enum Kind { SGD, PLAIN, FACTOR, INVERSE }

    /** Per round: {sum of step times in ms, number of steps}. */
    final double[][] wall;
    final double[][] cpu;
    double sparkMs;
    double driverMs;
    double inverseMs;
    int count;
    long payloadBytes;

    KfacStepSamples(int rounds) {
        wall = new double[rounds][2];
        cpu = new double[rounds][2];
    }

    void add(int round, double sparkMs, double driverMs, double inverseMs, double cpuMs, long bytes) {
        wall[round][0] += sparkMs + driverMs;
        wall[round][1]++;
        cpu[round][0] += cpuMs;
        cpu[round][1]++;
        this.sparkMs += sparkMs;
        this.driverMs += driverMs;
        this.inverseMs += inverseMs;
        count++;
        payloadBytes = bytes;
    }

    /** Mean wall time per step over rounds [0, rounds). */
    double meanWall(int rounds) {
        return mean(wall, 0, rounds);
    }

    /** Mean over the rounds {@code from}..{@code to} (exclusive) of {@code m} (wall or cpu). */
    static double mean(double[][] m, int from, int to) {
        double sum = 0;
        double n = 0;
        for (int r = from; r < to; r++) {
            sum += m[r][0];
            n += m[r][1];
        }
        return sum / n;
    }

    /**
     * Average K-FAC step over SGD step in rounds [from, to): (1 − 1/T_cov)·plain + (1/T_cov − 1/T_inv)·factor +
     * (1/T_inv)·inverse, the proportions of the three kinds in a run.
     */
    static double ratio(Map<Kind, KfacStepSamples> s, int from, int to, int cov, int inv, boolean wall) {
        double plain = mean(wall ? s.get(Kind.PLAIN).wall : s.get(Kind.PLAIN).cpu, from, to);
        double factor = mean(wall ? s.get(Kind.FACTOR).wall : s.get(Kind.FACTOR).cpu, from, to);
        double inverse = mean(wall ? s.get(Kind.INVERSE).wall : s.get(Kind.INVERSE).cpu, from, to);
        double sgd = mean(wall ? s.get(Kind.SGD).wall : s.get(Kind.SGD).cpu, from, to);
        double average = (1 - 1.0 / cov) * plain + (1.0 / cov - 1.0 / inv) * factor + (1.0 / inv) * inverse;
        return average / sgd;
    }

    static double median(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        return y.length % 2 == 1 ? y[y.length / 2] : (y[y.length / 2 - 1] + y[y.length / 2]) / 2;
    }
}
