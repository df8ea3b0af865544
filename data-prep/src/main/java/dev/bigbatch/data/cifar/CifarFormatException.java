package dev.bigbatch.data.cifar;

import java.io.IOException;

/**
 * Input that is not a valid CIFAR binary archive or directory. The message names the file, the archive member (if
 * any) and the byte offset (within the member, or within the uncompressed tar stream when no member is involved).
 */
public class CifarFormatException extends IOException {
    /** Offset value when no byte position applies (e.g. a missing member). */
    public static final long NO_OFFSET = -1;

    private final String source;
    private final String member;
    private final long offset;

    /**
     * @param source the archive file or directory, as given by the user
     * @param member the member inside it, or {@code null} when the problem is the archive as a whole
     * @param offset byte offset of the problem, or {@link #NO_OFFSET}
     * @param problem what is wrong and, where useful, what to do
     */
    public CifarFormatException(String source, String member, long offset, String problem) {
        this(source, member, offset, problem, null);
    }

    public CifarFormatException(String source, String member, long offset, String problem, Throwable cause) {
        super(describe(source, member, offset) + ": " + problem, cause);
        this.source = source;
        this.member = member;
        this.offset = offset;
    }

    private static String describe(String source, String member, long offset) {
        StringBuilder s = new StringBuilder(source);
        if (member != null) {
            s.append(" member ").append(member);
        }
        if (offset != NO_OFFSET) {
            s.append(" at byte offset ").append(offset);
        }
        return s.toString();
    }

    public String source() {
        return source;
    }

    /** The archive member or file inside the directory, or {@code null}. */
    public String member() {
        return member;
    }

    /** The byte offset, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }
}
