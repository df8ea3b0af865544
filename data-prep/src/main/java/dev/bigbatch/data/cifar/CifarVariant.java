package dev.bigbatch.data.cifar;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The two binary CIFAR formats of Krizhevsky (2009), "Learning Multiple Layers of Features from Tiny Images",
 * as distributed at https://www.cs.toronto.edu/~kriz/cifar.html. A record is the label byte(s) followed by a
 * 32x32 colour image as 3072 bytes: the red plane, then green, then blue, each row-major.
 */
public enum CifarVariant {
    /** {@code cifar-10-binary.tar.gz}: record = label byte + 3072 pixel bytes. */
    CIFAR_10("cifar-10", "cifar-10-batches-bin/",
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin"),
            "test_batch.bin", "batches.meta.txt", null, 10, 0),
    /** {@code cifar-100-binary.tar.gz}: record = coarse label byte + fine label byte + 3072 pixel bytes. */
    CIFAR_100("cifar-100", "cifar-100-binary/", List.of("train.bin"), "test.bin",
            "fine_label_names.txt", "coarse_label_names.txt", 100, 20);

    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    public static final int CHANNELS = 3;
    public static final int IMAGE_BYTES = HEIGHT * WIDTH * CHANNELS;
    /** The coarse label reported for formats that have none. */
    public static final int NO_COARSE_LABEL = -1;

    private final String sourceName;
    private final String folder;
    private final List<String> trainMembers;
    private final String testMember;
    private final String classNamesMember;
    private final String coarseClassNamesMember;
    private final int maxClasses;
    private final int maxCoarseClasses;

    CifarVariant(String sourceName, String folder, List<String> trainMembers, String testMember,
                 String classNamesMember, String coarseClassNamesMember, int maxClasses, int maxCoarseClasses) {
        this.sourceName = sourceName;
        this.folder = folder;
        this.trainMembers = trainMembers;
        this.testMember = testMember;
        this.classNamesMember = classNamesMember;
        this.coarseClassNamesMember = coarseClassNamesMember;
        this.maxClasses = maxClasses;
        this.maxCoarseClasses = maxCoarseClasses;
    }

    /** {@code cifar-10} or {@code cifar-100}: the {@code source} of a prepared dataset. */
    public String sourceName() {
        return sourceName;
    }

    /** The top folder of the archive, with a trailing slash, e.g. {@code cifar-10-batches-bin/}. */
    public String folder() {
        return folder;
    }

    public boolean hasCoarseLabels() {
        return coarseClassNamesMember != null;
    }

    /** Label bytes before the pixels of each record: 1 for CIFAR-10, 2 for CIFAR-100. */
    public int labelBytes() {
        return hasCoarseLabels() ? 2 : 1;
    }

    public int recordBytes() {
        return labelBytes() + IMAGE_BYTES;
    }

    /** Upper bound on the number of (fine) classes: 10 or 100. */
    public int maxClasses() {
        return maxClasses;
    }

    /** Upper bound on the number of coarse classes: 0 or 20. */
    public int maxCoarseClasses() {
        return maxCoarseClasses;
    }

    /** The data members of a split, full archive names, in source order. */
    public List<String> dataMembers(CifarSplit split) {
        List<String> names = split == CifarSplit.TRAIN ? trainMembers : List.of(testMember);
        return names.stream().map(n -> folder + n).toList();
    }

    /** The text member listing the (fine) class names, one per line. */
    public String classNamesMember() {
        return folder + classNamesMember;
    }

    /** The text member listing the coarse class names, or {@code null}. */
    public String coarseClassNamesMember() {
        return coarseClassNamesMember == null ? null : folder + coarseClassNamesMember;
    }

    /** Every member the reader needs, full archive names. */
    public List<String> requiredMembers() {
        List<String> all = new ArrayList<>(dataMembers(CifarSplit.TRAIN));
        all.addAll(dataMembers(CifarSplit.TEST));
        all.add(classNamesMember());
        if (hasCoarseLabels()) {
            all.add(coarseClassNamesMember());
        }
        return all;
    }

    /**
     * Which variant a set of member names belongs to: the one whose folder holds at least one known member.
     *
     * @throws CifarFormatException if none or both are present
     */
    static CifarVariant detect(Set<String> names, String source) throws CifarFormatException {
        List<CifarVariant> found = new ArrayList<>();
        for (CifarVariant v : values()) {
            if (v.requiredMembers().stream().anyMatch(names::contains)) {
                found.add(v);
            }
        }
        if (found.isEmpty()) {
            throw new CifarFormatException(source, null, CifarFormatException.NO_OFFSET,
                    "not a CIFAR binary archive: no member " + CIFAR_10.classNamesMember() + ", "
                            + CIFAR_10.dataMembers(CifarSplit.TEST).get(0) + ", " + CIFAR_100.classNamesMember()
                            + " or similar; expected cifar-10-binary.tar.gz or cifar-100-binary.tar.gz "
                            + "(the binary version, not the python or matlab one) or a directory extracted from it");
        }
        if (found.size() > 1) {
            throw new CifarFormatException(source, null, CifarFormatException.NO_OFFSET,
                    "holds members of both CIFAR-10 and CIFAR-100; give one of them");
        }
        return found.get(0);
    }
}
