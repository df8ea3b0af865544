package dev.bigbatch.data.imagenet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Loads the class metadata and validation labels named by the options. {@code --val-labels} may be
 * {@code LOC_val_solution.csv}; {@code ILSVRC2012_validation_ground_truth.txt} (needs {@code meta.mat}: beside it or
 * {@code --meta}); the devkit directory ({@code data/} inside it is searched); or the devkit {@code .tar.gz}.
 * The synset table comes from {@code --meta}, else the devkit's {@code meta.mat}, else {@code --synset-words}.
 *
 * @param synsets null if no metadata was given
 * @param valLabels null if no labels were given
 */
record LabelFiles(SynsetTable synsets, ValidationLabels valLabels) {

    static final String GROUND_TRUTH = "ILSVRC2012_validation_ground_truth.txt";
    static final String META = "meta.mat";
    static final String LOC_CSV = "LOC_val_solution.csv";

    static LabelFiles load(Configuration conf, ImagenetPreparationOptions o) throws IOException {
        byte[] metaBytes = o.meta() == null ? null : readAll(conf, new Path(o.meta()));
        String metaSource = o.meta();
        byte[] groundTruth = null;
        String groundTruthSource = null;
        byte[] locCsv = null;
        if (o.valLabels() != null) {
            Path labels = new Path(o.valLabels());
            FileSystem fs = labels.getFileSystem(conf);
            if (!fs.exists(labels)) {
                throw new InputDataException("--val-labels " + labels + " does not exist");
            }
            String name = labels.getName().toLowerCase(Locale.ROOT);
            if (fs.getFileStatus(labels).isDirectory()) {
                Path gt = firstExisting(fs, new Path(labels, "data/" + GROUND_TRUTH), new Path(labels, GROUND_TRUTH));
                Path csv = firstExisting(fs, new Path(labels, LOC_CSV));
                Path meta = firstExisting(fs, new Path(labels, "data/" + META), new Path(labels, META));
                if (gt == null && csv == null) {
                    throw new InputDataException("--val-labels directory " + labels + " has neither data/"
                            + GROUND_TRUTH + " nor " + LOC_CSV);
                }
                groundTruth = gt == null ? null : readAll(conf, gt);
                groundTruthSource = String.valueOf(gt);
                locCsv = csv == null || gt != null ? null : readAll(conf, csv);
                if (metaBytes == null && meta != null) {
                    metaBytes = readAll(conf, meta);
                    metaSource = meta.toString();
                }
            } else if (name.endsWith(".csv")) {
                locCsv = readAll(conf, labels);
            } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar")) {
                byte[][] found = fromDevkitArchive(fs, labels, name.endsWith(".tar"));
                groundTruth = found[0];
                groundTruthSource = labels + "!" + GROUND_TRUTH;
                if (metaBytes == null) {
                    metaBytes = found[1];
                    metaSource = labels + "!" + META;
                }
            } else {
                groundTruth = readAll(conf, labels);
                groundTruthSource = labels.toString();
                Path sibling = new Path(labels.getParent(), META);
                if (metaBytes == null && fs.exists(sibling)) {
                    metaBytes = readAll(conf, sibling);
                    metaSource = sibling.toString();
                }
            }
        }
        SynsetTable synsets = null;
        if (metaBytes != null) {
            synsets = SynsetTable.fromMetaMat(metaBytes, metaSource);
        } else if (o.synsetWords() != null) {
            try (InputStream in = new ByteArrayInputStream(readAll(conf, new Path(o.synsetWords())))) {
                synsets = SynsetTable.fromWordsFile(in, o.synsetWords());
            }
        }
        ValidationLabels labels = null;
        if (locCsv != null) {
            labels = ValidationLabels.fromLocCsv(new ByteArrayInputStream(locCsv), o.valLabels());
        } else if (groundTruth != null) {
            if (metaBytes == null) {
                throw new InputDataException(groundTruthSource + " holds ILSVRC2012_IDs, which need the devkit's "
                        + META + " to map to wnids: put it beside the file or pass --meta");
            }
            labels = ValidationLabels.fromGroundTruth(new ByteArrayInputStream(groundTruth), synsets,
                    groundTruthSource);
        }
        return new LabelFiles(synsets, labels);
    }

    /** {ground truth, meta.mat} found anywhere in a devkit archive. */
    private static byte[][] fromDevkitArchive(FileSystem fs, Path archive, boolean plainTar) throws IOException {
        byte[][] found = new byte[2][];
        try (InputStream raw = fs.open(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(plainTar ? raw : new GZIPInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextTarEntry()) != null) {
                String n = e.getName();
                if (n.endsWith("/" + GROUND_TRUTH) || n.equals(GROUND_TRUTH)) {
                    found[0] = tar.readAllBytes();
                } else if (n.endsWith("data/" + META) || n.equals(META)) {
                    found[1] = tar.readAllBytes();
                }
            }
        }
        if (found[0] == null || found[1] == null) {
            throw new InputDataException("devkit archive " + archive + " lacks " + (found[0] == null ? GROUND_TRUTH
                    : "data/" + META) + "; pass ILSVRC2012_devkit_t12.tar.gz or " + LOC_CSV);
        }
        return found;
    }

    private static Path firstExisting(FileSystem fs, Path... candidates) throws IOException {
        for (Path p : candidates) {
            if (fs.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static byte[] readAll(Configuration conf, Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
            throw new InputDataException(path + " does not exist");
        }
        try (InputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }
}
