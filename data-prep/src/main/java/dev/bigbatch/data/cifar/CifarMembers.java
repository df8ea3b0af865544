package dev.bigbatch.data.cifar;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The files of a CIFAR archive, named as inside the official tarball (e.g.
 * {@code cifar-10-batches-bin/data_batch_1.bin}), whether they come from the tarball itself or from a directory.
 */
interface CifarMembers {

    /** Called once per member, with a stream positioned at the member's first byte. */
    @FunctionalInterface
    interface Visitor {
        void visit(String name, InputStream in) throws IOException;
    }

    /** The archive or directory as the user gave it, for messages. */
    String source();

    /** Every regular member found, name to size in bytes. */
    Map<String, Long> sizes();

    /** How to call a member in messages (a file path for directories). */
    String display(String name);

    /** The whole content of a small member (a class-name list). */
    byte[] readSmall(String name) throws IOException;

    /** Streams the named members, each once, in the given order. Errors name the member and byte offset. */
    void stream(List<String> names, Visitor visitor) throws IOException;
}
