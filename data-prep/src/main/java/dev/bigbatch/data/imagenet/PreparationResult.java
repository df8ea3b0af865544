package dev.bigbatch.data.imagenet;

import java.util.List;

/**
 * The outcome of a published preparation: where it went, how many classes, and the counts of each split.
 *
 * @param out    the published dataset directory
 * @param splits train first, then val if prepared
 */
public record PreparationResult(String out, int classes, List<SplitCounts> splits) {

    /** The counts of {@code split}. */
    public SplitCounts split(String split) {
        return splits.stream().filter(s -> s.split().equals(split)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no split " + split + " in " + out));
    }

    /** The end-of-job report, one line per split. */
    public String summary() {
        StringBuilder sb = new StringBuilder("prepared " + classes + " classes into " + out);
        for (SplitCounts s : splits) {
            sb.append(System.lineSeparator()).append("  ").append(s.summary());
        }
        return sb.toString();
    }
}
