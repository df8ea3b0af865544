package dev.bigbatch.data.imagenet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ImageNet class metadata: the devkit's {@code meta.mat} synsets (ILSVRC2012_ID, WNID, words) and/or a synset words
 * file ({@code LOC_synset_mapping.txt} or Caffe's {@code synset_words.txt}: lines {@code n01440764 tench, Tinca tinca}).
 */
public final class SynsetTable {

    /** WordNet noun ids as ILSVRC names its classes. */
    public static final Pattern WNID = Pattern.compile("n\\d{8}");

    private final List<Synset> synsets;
    private final Map<String, Synset> byWnid = new HashMap<>();
    private final Map<Integer, Synset> byId = new HashMap<>();

    SynsetTable(List<Synset> synsets) {
        this.synsets = List.copyOf(synsets);
        for (Synset s : synsets) {
            byWnid.put(s.wnid(), s);
            byId.put(s.ilsvrcId(), s);
        }
    }

    /** Reads the {@code synsets} struct array of a devkit {@code meta.mat}. */
    public static SynsetTable fromMetaMat(byte[] file, String source) {
        MatValue value = MatFileReader.read(file, source).get("synsets");
        if (!(value instanceof MatValue.Struct struct)) {
            throw new InputDataException(source + " has no 'synsets' struct array; pass the ILSVRC2012 devkit's "
                    + "data/meta.mat");
        }
        for (String field : List.of("ILSVRC2012_ID", "WNID", "words")) {
            if (!struct.fieldNames().contains(field)) {
                throw new InputDataException(source + ": synsets has no field '" + field + "' (fields: "
                        + struct.fieldNames() + ")");
            }
        }
        List<Synset> synsets = new ArrayList<>();
        for (Map<String, MatValue> e : struct.elements()) {
            int id = (int) ((MatValue.Numeric) e.get("ILSVRC2012_ID")).scalar();
            String wnid = ((MatValue.Chars) e.get("WNID")).text().trim();
            String words = ((MatValue.Chars) e.get("words")).text().trim();
            int children = e.get("num_children") instanceof MatValue.Numeric n && n.values().length == 1
                    ? (int) n.scalar() : 0;
            synsets.add(new Synset(id, wnid, words, children));
        }
        return new SynsetTable(synsets);
    }

    /** Reads a synset words file; ids are assigned 1.. in file order (the files list the 1,000 classes sorted). */
    public static SynsetTable fromWordsFile(InputStream in, String source) throws IOException {
        List<Synset> synsets = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String wnid = space < 0 ? line : line.substring(0, space);
            if (!WNID.matcher(wnid).matches()) {
                throw new InputDataException(source + " line " + lineNumber + ": expected 'nXXXXXXXX words', found '"
                        + line + "'");
            }
            synsets.add(new Synset(synsets.size() + 1, wnid, space < 0 ? wnid : line.substring(space + 1).strip(), 0));
        }
        return new SynsetTable(synsets);
    }

    public Optional<Synset> byWnid(String wnid) {
        return Optional.ofNullable(byWnid.get(wnid));
    }

    public Optional<Synset> byIlsvrcId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Whether {@code wnid} is a leaf (classification) class of this table. */
    public boolean isClass(String wnid) {
        Synset s = byWnid.get(wnid);
        return s != null && s.isLeaf();
    }

    /** Human-readable names by wnid. */
    public Map<String, String> namesByWnid() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Synset s : synsets) {
            names.put(s.wnid(), s.words());
        }
        return Collections.unmodifiableMap(names);
    }

    public List<Synset> synsets() {
        return synsets;
    }
}
