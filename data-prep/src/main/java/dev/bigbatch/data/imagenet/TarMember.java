package dev.bigbatch.data.imagenet;

import java.io.Serializable;

/**
 * A regular file inside a tar archive, located without extracting it.
 *
 * @param name       member path inside the archive (long GNU/PAX names resolved)
 * @param dataOffset byte offset of the member's first data byte in the archive
 * @param size       data length in bytes
 */
public record TarMember(String name, long dataOffset, long size) implements Serializable {

    /** The name without directories. */
    public String fileName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    /** The file name without its last extension. */
    public String stem() {
        String file = fileName();
        int dot = file.lastIndexOf('.');
        return dot <= 0 ? file : file.substring(0, dot);
    }
}
