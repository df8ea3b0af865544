package dev.bigbatch.data.imagenet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Plans {@code ILSVRC2012_img_train.tar}: indexes its members (one {@code <wnid>.tar} per class) and makes one
 * {@link SourceUnit.ClassArchive} per member, so Spark parallelizes over classes without unpacking anything.
 * Members that are not {@code .tar} files are quarantined as stray files.
 */
final class TrainArchivePlanner {

    private final FileSystem fs;
    private final Path tar;
    private final ClassRules rules;

    TrainArchivePlanner(FileSystem fs, Path tar, ClassRules rules) {
        this.fs = fs;
        this.tar = tar;
        this.rules = rules;
    }

    /** Fills {@code classes} (sorted key to index) and returns the units in class order. */
    List<SourceUnit> plan(Map<String, Integer> classes) throws IOException {
        List<TarMember> members = TarIndex.read(fs, tar);
        List<TarMember> archives = new ArrayList<>();
        List<TarMember> stray = new ArrayList<>();
        for (TarMember m : members) {
            (m.fileName().endsWith(".tar") ? archives : stray).add(m);
        }
        archives.sort((a, b) -> a.stem().compareTo(b.stem()));
        for (TarMember m : archives) {
            if (rules.problem(m.stem()) == null) {
                classes.put(m.stem(), 0);
            }
        }
        int index = 0;
        for (Map.Entry<String, Integer> e : classes.entrySet()) {
            e.setValue(index++);
        }
        List<SourceUnit> units = new ArrayList<>();
        for (TarMember m : archives) {
            String problem = rules.problem(m.stem());
            int label = problem == null ? classes.get(m.stem()) : SourceUnit.NO_LABEL;
            units.add(new SourceUnit.ClassArchive(tar.toString(), m, label, problem));
        }
        if (!stray.isEmpty()) {
            int[] labels = new int[stray.size()];
            String[] problems = new String[stray.size()];
            Arrays.fill(labels, SourceUnit.NO_LABEL);
            Arrays.fill(problems, "not a per-class .tar archive inside the train archive");
            units.add(new SourceUnit.ArchiveSlice(tar.toString(), List.copyOf(stray), labels, problems));
        }
        return units;
    }
}
