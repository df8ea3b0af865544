package dev.bigbatch.data.imagenet;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code prepare-imagenet} command line:
 * <pre>
 * prepare-imagenet --train URI [--val URI [--val-labels URI]] --out URI
 *                  [--meta URI] [--synset-words URI] [--layout imagenet|folder]
 *                  [--shorter-side N] [--jpeg-quality Q] [--max-bad-fraction F] [--shard-mb M]
 * </pre>
 * {@code dev.bigbatch.jobs.Main} parses the subcommand's options here and runs {@link ImagenetPreparation}.
 */
public final class PrepareImagenetCommand {

    static final String USAGE = "usage: prepare-imagenet --train URI [--val URI [--val-labels URI]] --out URI "
            + "[--meta URI] [--synset-words URI] [--layout imagenet|folder] [--shorter-side N (default "
            + ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE + ")] [--jpeg-quality Q (default "
            + ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY + ")] [--max-bad-fraction F (default "
            + ImagenetPreparationOptions.DEFAULT_MAX_BAD_FRACTION + ")] [--shard-mb M (default "
            + (ImagenetPreparationOptions.DEFAULT_TARGET_SHARD_BYTES >> 20) + ")]";
    public static final List<String> FLAGS = List.of("--train", "--val", "--val-labels", "--out", "--meta",
            "--synset-words", "--layout", "--shorter-side", "--jpeg-quality", "--max-bad-fraction", "--shard-mb");

    private PrepareImagenetCommand() {
    }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the flag, with the usage line
     */
    public static ImagenetPreparationOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown argument '" + flag + "'\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            if (values.put(flag, args[++i]) != null) {
                throw new IllegalArgumentException(flag + " given twice\n" + USAGE);
            }
        }
        try {
            ImagenetPreparationOptions.Layout layout = layout(values.getOrDefault("--layout", "imagenet"));
            return new ImagenetPreparationOptions(values.get("--train"), values.get("--val"),
                    values.get("--val-labels"), values.get("--meta"), values.get("--synset-words"),
                    values.get("--out"), layout,
                    integer(values, "--shorter-side", ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE),
                    integer(values, "--jpeg-quality", ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY),
                    decimal(values, "--max-bad-fraction", ImagenetPreparationOptions.DEFAULT_MAX_BAD_FRACTION),
                    (long) integer(values, "--shard-mb",
                            (int) (ImagenetPreparationOptions.DEFAULT_TARGET_SHARD_BYTES >> 20)) << 20);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
        }
    }

    private static ImagenetPreparationOptions.Layout layout(String value) {
        for (ImagenetPreparationOptions.Layout l : ImagenetPreparationOptions.Layout.values()) {
            if (l.sourceName().equals(value.toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException("--layout must be imagenet or folder, found '" + value + "'");
    }

    private static int integer(Map<String, String> values, String flag, int fallback) {
        String v = values.get(flag);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be an integer, found '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> values, String flag, double fallback) {
        String v = values.get(flag);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, found '" + v + "'");
        }
    }
}
