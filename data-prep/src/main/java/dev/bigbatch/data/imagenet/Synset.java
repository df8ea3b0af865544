package dev.bigbatch.data.imagenet;

import java.io.Serializable;

/**
 * One entry of the ILSVRC2012 devkit's {@code synsets} table.
 *
 * @param ilsvrcId    ILSVRC2012_ID: 1..1000 for the classification classes, larger for their WordNet ancestors
 * @param wnid        WordNet id, e.g. {@code n01440764}
 * @param words       human-readable name, e.g. {@code tench, Tinca tinca}
 * @param numChildren WordNet children in the table; 0 for the 1,000 leaf classes
 */
public record Synset(int ilsvrcId, String wnid, String words, int numChildren) implements Serializable {

    /** Whether this synset is one of the classification classes (a leaf). */
    public boolean isLeaf() {
        return numChildren == 0;
    }
}
