package dev.bigbatch.data.cifar;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the official binary CIFAR-10 / CIFAR-100 data (see {@link CifarVariant}) from any Hadoop file system URI:
 * the {@code .tar.gz} as downloaded, streamed without unpacking, or a directory extracted from it. The variant is
 * detected from the members present.
 *
 * <p>{@link #open} checks everything that can be checked without reading the pixels: that the input is an archive
 * or directory, which variant it is, that every member is present, that each data member is a whole number of
 * records, and the class-name lists. {@link #read} then streams one split and checks every label. Problems are
 * {@link CifarFormatException}s naming the file, the member and the byte offset.
 */
public final class CifarReader {
    private final CifarMembers members;
    private final CifarVariant variant;
    private final List<String> classNames;
    private final List<String> coarseClassNames;
    private final Map<CifarSplit, Long> counts = new EnumMap<>(CifarSplit.class);

    private CifarReader(CifarMembers members) throws IOException {
        this.members = members;
        this.variant = CifarVariant.detect(members.sizes().keySet(), members.source());
        List<String> missing = variant.requiredMembers().stream()
                .filter(m -> !members.sizes().containsKey(m)).toList();
        if (!missing.isEmpty()) {
            throw new CifarFormatException(members.source(), missing.get(0), CifarFormatException.NO_OFFSET,
                    "missing from this " + variant.sourceName() + " input (all missing: " + missing
                            + "); the download is incomplete, fetch the archive again");
        }
        this.classNames = names(variant.classNamesMember(), variant.maxClasses());
        this.coarseClassNames = variant.hasCoarseLabels()
                ? names(variant.coarseClassNamesMember(), variant.maxCoarseClasses()) : List.of();
        for (CifarSplit split : CifarSplit.values()) {
            long records = 0;
            for (String m : variant.dataMembers(split)) {
                long size = members.sizes().get(m);
                if (size % variant.recordBytes() != 0) {
                    throw new CifarFormatException(members.source(), members.display(m),
                            size - size % variant.recordBytes(), "truncated record: the member has " + size
                            + " bytes, not a multiple of the " + variant.recordBytes() + "-byte "
                            + variant.sourceName() + " record");
                }
                records += size / variant.recordBytes();
            }
            counts.put(split, records);
        }
    }

    /**
     * Opens an archive file or an extracted directory.
     *
     * @param uri  any Hadoop URI or path ({@code file:/...}, {@code hdfs://...}, {@code s3a://...})
     * @param conf the Hadoop configuration (e.g. {@code spark.sparkContext().hadoopConfiguration()})
     * @throws FileNotFoundException if nothing is at {@code uri}
     * @throws CifarFormatException  if it is not a complete, well-formed CIFAR archive
     */
    public static CifarReader open(String uri, Configuration conf) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(uri + ": no such file or directory; give the CIFAR binary archive "
                    + "(cifar-10-binary.tar.gz or cifar-100-binary.tar.gz) or a directory extracted from it");
        }
        return new CifarReader(status.isDirectory()
                ? CifarDirectory.open(uri, path, conf) : CifarArchive.open(uri, path, conf));
    }

    public CifarVariant variant() {
        return variant;
    }

    /** The class names, indexed by label (the fine labels for CIFAR-100). */
    public List<String> classNames() {
        return classNames;
    }

    /** The CIFAR-100 superclass names indexed by coarse label; empty for CIFAR-10. */
    public List<String> coarseClassNames() {
        return coarseClassNames;
    }

    /** The number of records in a split, known from the member sizes. */
    public long count(CifarSplit split) {
        return counts.get(split);
    }

    /**
     * Streams every record of a split to {@code sink}, in source order, checking each label against the class
     * lists. Returns the number of records delivered, which is {@link #count(CifarSplit)}.
     */
    public long read(CifarSplit split, CifarRecordSink sink) throws IOException {
        byte[] labels = new byte[variant.labelBytes()];
        byte[] image = new byte[CifarVariant.IMAGE_BYTES];
        long[] id = {0};
        members.stream(variant.dataMembers(split), (name, in) -> {
            long records = members.sizes().get(name) / variant.recordBytes();
            for (long r = 0; r < records; r++) {
                long offset = r * variant.recordBytes();
                readRecord(in, name, offset, labels, image);
                int coarse = variant.hasCoarseLabels() ? labels[0] & 0xFF : CifarVariant.NO_COARSE_LABEL;
                int fine = labels[labels.length - 1] & 0xFF;
                if (variant.hasCoarseLabels()) {
                    checkLabel(name, offset, "coarse label", coarse, coarseClassNames,
                            variant.coarseClassNamesMember());
                }
                checkLabel(name, offset + labels.length - 1, variant.hasCoarseLabels() ? "fine label" : "label", fine,
                        classNames, variant.classNamesMember());
                sink.accept(id[0]++, fine, coarse, image);
            }
        });
        return id[0];
    }

    private void readRecord(InputStream in, String name, long offset, byte[] labels, byte[] image)
            throws IOException {
        int got = 0;
        try {
            got = in.readNBytes(labels, 0, labels.length);
            if (got == labels.length) {
                got += in.readNBytes(image, 0, image.length);
            }
        } catch (IOException e) {
            throw new CifarFormatException(members.source(), members.display(name), offset,
                    "cannot read the record (" + e.getMessage() + "): the input is corrupt or truncated", e);
        }
        if (got != variant.recordBytes()) {
            throw new CifarFormatException(members.source(), members.display(name), offset + got,
                    "truncated record: the data ends " + got + " bytes into a " + variant.recordBytes()
                            + "-byte record");
        }
    }

    private void checkLabel(String member, long offset, String what, int value, List<String> names,
                            String namesMember) throws CifarFormatException {
        if (value >= names.size()) {
            throw new CifarFormatException(members.source(), members.display(member), offset, what + " " + value
                    + " out of range: " + members.display(namesMember) + " lists " + names.size()
                    + " classes (labels 0.." + (names.size() - 1) + ")");
        }
    }

    /** A class-name list: one name per line, blank lines ignored (the official files end with some). */
    private List<String> names(String member, int max) throws IOException {
        String text = new String(members.readSmall(member), StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.isEmpty() || names.size() > max) {
            throw new CifarFormatException(members.source(), members.display(member), CifarFormatException.NO_OFFSET,
                    "lists " + names.size() + " class names; " + variant.sourceName() + " needs 1 to " + max);
        }
        return List.copyOf(names);
    }
}
