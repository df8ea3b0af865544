package dev.bigbatch.data.cifar;

/** The two splits of a CIFAR archive; {@link #dirName()} is also the split's name in a prepared dataset. */
public enum CifarSplit {
    TRAIN("train"),
    TEST("test");

    private final String dirName;

    CifarSplit(String dirName) {
        this.dirName = dirName;
    }

    /** {@code train} or {@code test}. */
    public String dirName() {
        return dirName;
    }
}
