package dev.bigbatch.jobs;

import dev.bigbatch.data.cifar.CifarFormatException;
import dev.bigbatch.jobs.train.TrainingDiverged;

import java.io.IOException;
import java.io.PrintStream;

/** Process exit codes, so schedulers can tell a bad config from bad data from a diverged run. */
final class ExitCodes {
    static final int SUCCESS = 0;
    static final int INTERNAL = 1;
    static final int CONFIG_ERROR = 2;
    static final int USAGE = 2;
    static final int DATA_ERROR = 3;
    static final int DIVERGED = 4;

    private ExitCodes() {
    }

    static int report(String command, Exception e, PrintStream err) {
        if (e instanceof TrainingDiverged) {
            err.println("bigbatch " + command + ": training diverged: " + e.getMessage());
            return DIVERGED;
        }
        if (e instanceof CifarFormatException || e instanceof IOException) {
            err.println("bigbatch " + command + ": data error: " + e.getMessage());
            return DATA_ERROR;
        }
        err.println("bigbatch " + command + ": failed: " + e);
        e.printStackTrace(err);
        return INTERNAL;
    }
}
