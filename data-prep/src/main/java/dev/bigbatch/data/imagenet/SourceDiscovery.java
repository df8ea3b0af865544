package dev.bigbatch.data.imagenet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Driver-side planning: finds the classes and splits each split's input into {@link SourceUnit}s, touching only
 * listings and tar headers. The train tar gives one unit per per-class archive; directories and the flat val tar
 * give units of consecutive files of about {@code chunkBytes} input.
 */
final class SourceDiscovery {

    /** Classes (sorted keys: wnids or folder names) and the units of each split, in id order. */
    record Plan(List<String> classKeys, List<SourceUnit> train, List<SourceUnit> val) {
    }

    private final Configuration conf;
    private final ClassRules rules;
    private final long chunkBytes;

    SourceDiscovery(Configuration conf, ClassRules rules, long chunkBytes) {
        this.conf = conf;
        this.rules = rules;
        this.chunkBytes = chunkBytes;
    }

    Plan plan(String train, String val, ValidationLabels valLabels) throws IOException {
        Path trainPath = new Path(train);
        FileSystem fs = trainPath.getFileSystem(conf);
        FileStatus status = existing(fs, trainPath, "--train");
        TreeMap<String, Integer> classes = new TreeMap<>();
        List<SourceUnit> trainUnits = status.isFile()
                ? new TrainArchivePlanner(fs, trainPath, rules).plan(classes)
                : new FileTreePlanner(fs, trainPath, chunkBytes).planTrain(rules, classes);
        if (classes.isEmpty()) {
            throw new InputDataException("found no class folders or per-class archives in " + train
                    + "; expected ILSVRC2012_img_train.tar or a directory of <class>/<image> files");
        }
        List<SourceUnit> valUnits = List.of();
        if (val != null) {
            valUnits = planVal(new Path(val), classes, valLabels);
        }
        return new Plan(List.copyOf(classes.keySet()), trainUnits, valUnits);
    }

    private List<SourceUnit> planVal(Path valPath, TreeMap<String, Integer> classes, ValidationLabels labels)
            throws IOException {
        FileSystem fs = valPath.getFileSystem(conf);
        Labeler labeler = new Labeler(classes, labels);
        if (existing(fs, valPath, "--val").isDirectory()) {
            return new FileTreePlanner(fs, valPath, chunkBytes).planLabelled(labeler);
        }
        List<TarMember> members = TarIndex.read(fs, valPath);
        List<SourceUnit> units = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < members.size(); i++) {
            bytes += members.get(i).size();
            if (bytes >= chunkBytes || i == members.size() - 1) {
                List<TarMember> slice = List.copyOf(members.subList(start, i + 1));
                int[] labelsOf = new int[slice.size()];
                String[] problems = new String[slice.size()];
                for (int j = 0; j < slice.size(); j++) {
                    String[] parts = slice.get(j).name().split("/");
                    labeler.label(parts, slice.get(j).stem(), labelsOf, problems, j);
                }
                units.add(new SourceUnit.ArchiveSlice(valPath.toString(), slice, labelsOf, problems));
                start = i + 1;
                bytes = 0;
            }
        }
        return units;
    }

    private static FileStatus existing(FileSystem fs, Path path, String flag) throws IOException {
        if (!fs.exists(path)) {
            throw new InputDataException(flag + " " + path + " does not exist");
        }
        return fs.getFileStatus(path);
    }

    /** Labels validation files by their class folder, else by the labels file, else explains why it cannot. */
    static final class Labeler {
        private final Map<String, Integer> classes;
        private final ValidationLabels labels;

        Labeler(Map<String, Integer> classes, ValidationLabels labels) {
            this.classes = new HashMap<>(classes);
            this.labels = labels;
        }

        /** @param parts path components relative to the split root (last one is the file name) */
        void label(String[] parts, String stem, int[] labelsOut, String[] problemsOut, int i) {
            labelsOut[i] = SourceUnit.NO_LABEL;
            if (parts.length >= 2) {
                Integer index = classes.get(parts[0]);
                if (index == null) {
                    problemsOut[i] = "unknown class folder '" + parts[0] + "': not a training class";
                } else {
                    labelsOut[i] = index;
                }
                return;
            }
            if (labels == null) {
                problemsOut[i] = "no label: the file is not in a class folder and no --val-labels were given";
                return;
            }
            String wnid = labels.wnidOf(stem).orElse(null);
            Integer index = wnid == null ? null : classes.get(wnid);
            if (wnid == null) {
                problemsOut[i] = "no label: '" + stem + "' is not in " + labels.source();
            } else if (index == null) {
                problemsOut[i] = "unknown class '" + wnid + "' (from " + labels.source() + "): not a training class";
            } else {
                labelsOut[i] = index;
            }
        }
    }

    /** Lists files under a root, skipping hidden names ({@code .x}, {@code _x}), sorted by path. */
    static List<LocatedFileStatus> listFiles(FileSystem fs, Path root) throws IOException {
        List<LocatedFileStatus> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        String rootPath = fs.makeQualified(root).toUri().getPath();
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            if (!isHidden(relative(rootPath, f.getPath()))) {
                files.add(f);
            }
        }
        files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
        return files;
    }

    static String[] relative(String rootPath, Path file) {
        String path = file.toUri().getPath();
        String rel = path.startsWith(rootPath) ? path.substring(rootPath.length()) : path;
        return rel.replaceFirst("^/+", "").split("/");
    }

    private static boolean isHidden(String[] parts) {
        for (String p : parts) {
            if (p.startsWith(".") || p.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
