package dev.bigbatch.data.imagenet;

import java.util.List;
import java.util.Map;

/**
 * Which folder (or per-class archive) names are classes, and the index of each: for the ImageNet layout a name must
 * be a WordNet id and, when a synset table was given, one of its leaf classes; for the folder layout any name is a
 * class. Indices follow the sorted order of the training classes found (torchvision's {@code ImageFolder} and TF's
 * convention), so they do not depend on which files a run happened to read first.
 */
final class ClassRules {

    private final ImagenetPreparationOptions.Layout layout;
    private final SynsetTable synsets;

    /** @param synsets null when neither meta.mat nor a words file was given */
    ClassRules(ImagenetPreparationOptions.Layout layout, SynsetTable synsets) {
        this.layout = layout;
        this.synsets = synsets;
    }

    /** Null if {@code name} may be a class, else the quarantine reason for its files. */
    String problem(String name) {
        if (layout == ImagenetPreparationOptions.Layout.FOLDER) {
            return null;
        }
        if (!SynsetTable.WNID.matcher(name).matches()) {
            return "unknown class folder '" + name + "': not a WordNet id (nXXXXXXXX)";
        }
        if (synsets != null && !synsets.isClass(name)) {
            return "unknown class folder '" + name + "': not one of the classification classes of the synset table";
        }
        return null;
    }

    /** The human-readable name of each class: synset words when known, else the folder name. */
    List<String> names(List<String> classKeys) {
        if (synsets == null) {
            return classKeys;
        }
        Map<String, String> words = synsets.namesByWnid();
        return classKeys.stream().map(k -> words.getOrDefault(k, k)).toList();
    }

    ImagenetPreparationOptions.Layout layout() {
        return layout;
    }
}
