package dev.bigbatch.data.imagenet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Plans a directory tree ({@code <class>/<image>}, or a flat directory of labelled val images): lists it once,
 * sorts by path, and cuts it into {@link SourceUnit.FileGroup}s of about {@code chunkBytes} input bytes that never
 * straddle two class folders.
 */
final class FileTreePlanner {

    private final FileSystem fs;
    private final Path root;
    private final long chunkBytes;

    FileTreePlanner(FileSystem fs, Path root, long chunkBytes) {
        this.fs = fs;
        this.root = root;
        this.chunkBytes = chunkBytes;
    }

    /** Training tree: first-level folders are classes; fills {@code classes} (sorted key to index). */
    List<SourceUnit> planTrain(ClassRules rules, Map<String, Integer> classes) throws IOException {
        List<LocatedFileStatus> files = SourceDiscovery.listFiles(fs, root);
        String rootPath = fs.makeQualified(root).toUri().getPath();
        for (LocatedFileStatus f : files) {
            String[] parts = SourceDiscovery.relative(rootPath, f.getPath());
            if (parts.length >= 2 && rules.problem(parts[0]) == null) {
                classes.put(parts[0], 0);
            }
        }
        int index = 0;
        for (Map.Entry<String, Integer> e : classes.entrySet()) {
            e.setValue(index++);
        }
        return chunk(files, rootPath, (parts, stem, labels, problems, i) -> {
            labels[i] = SourceUnit.NO_LABEL;
            if (parts.length < 2) {
                problems[i] = "not inside a class folder";
            } else if (rules.problem(parts[0]) != null) {
                problems[i] = rules.problem(parts[0]);
            } else {
                labels[i] = classes.get(parts[0]);
            }
        });
    }

    /** Validation tree: class folders and/or flat files labelled by {@code labeler}. */
    List<SourceUnit> planLabelled(SourceDiscovery.Labeler labeler) throws IOException {
        List<LocatedFileStatus> files = SourceDiscovery.listFiles(fs, root);
        String rootPath = fs.makeQualified(root).toUri().getPath();
        return chunk(files, rootPath, labeler::label);
    }

    private interface LabelRule {
        void label(String[] parts, String stem, int[] labels, String[] problems, int i);
    }

    private List<SourceUnit> chunk(List<LocatedFileStatus> files, String rootPath, LabelRule rule) {
        List<SourceUnit> units = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < files.size(); i++) {
            bytes += files.get(i).getLen();
            boolean last = i == files.size() - 1;
            if (last || bytes >= chunkBytes || !folder(files.get(i + 1), rootPath).equals(folder(files.get(i),
                    rootPath))) {
                units.add(group(files.subList(start, i + 1), rootPath, rule));
                start = i + 1;
                bytes = 0;
            }
        }
        return units;
    }

    private static SourceUnit group(List<LocatedFileStatus> files, String rootPath, LabelRule rule) {
        List<String> paths = new ArrayList<>();
        int[] labels = new int[files.size()];
        String[] problems = new String[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path p = files.get(i).getPath();
            paths.add(p.toString());
            String[] parts = SourceDiscovery.relative(rootPath, p);
            String name = parts[parts.length - 1];
            int dot = name.lastIndexOf('.');
            rule.label(parts, dot > 0 ? name.substring(0, dot) : name, labels, problems, i);
        }
        return new SourceUnit.FileGroup(List.copyOf(paths), labels, problems);
    }

    private static String folder(LocatedFileStatus f, String rootPath) {
        String[] parts = SourceDiscovery.relative(rootPath, f.getPath());
        return String.join("/", Arrays.copyOf(parts, parts.length - 1));
    }
}
