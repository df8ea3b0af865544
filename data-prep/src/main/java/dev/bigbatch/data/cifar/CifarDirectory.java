package dev.bigbatch.data.cifar;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CIFAR archive already extracted, on any Hadoop file system. The directory may be the extraction root (holding
 * {@code cifar-10-batches-bin/} or {@code cifar-100-binary/}) or that folder itself. Messages name files relative
 * to it.
 */
final class CifarDirectory implements CifarMembers {
    private static final int BUFFER_BYTES = 1 << 20;

    private final String source;
    private final FileSystem fs;
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private final Map<String, Path> paths = new HashMap<>();
    private final Map<String, String> displayNames = new HashMap<>();

    private CifarDirectory(String source, FileSystem fs) {
        this.source = source;
        this.fs = fs;
    }

    static CifarDirectory open(String source, Path dir, Configuration conf) throws IOException {
        CifarDirectory d = new CifarDirectory(source, dir.getFileSystem(conf));
        for (CifarVariant v : CifarVariant.values()) {
            Set<String> known = Set.copyOf(v.requiredMembers());
            Path folder = new Path(dir, v.folder());
            boolean nested = d.fs.exists(folder) && d.fs.getFileStatus(folder).isDirectory();
            for (FileStatus f : d.fs.listStatus(nested ? folder : dir)) {
                String name = v.folder() + f.getPath().getName();
                if (f.isFile() && known.contains(name)) {
                    d.sizes.put(name, f.getLen());
                    d.paths.put(name, f.getPath());
                    d.displayNames.put(name, nested ? name : f.getPath().getName());
                }
            }
        }
        return d;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public Map<String, Long> sizes() {
        return Collections.unmodifiableMap(sizes);
    }

    @Override
    public String display(String name) {
        return displayNames.getOrDefault(name, name);
    }

    @Override
    public byte[] readSmall(String name) throws IOException {
        try (FSDataInputStream in = fs.open(path(name))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void stream(List<String> names, Visitor visitor) throws IOException {
        for (String name : names) {
            try (InputStream in = new BufferedInputStream(fs.open(path(name)), BUFFER_BYTES)) {
                visitor.visit(name, in);
            }
        }
    }

    private Path path(String name) throws CifarFormatException {
        Path p = paths.get(name);
        if (p == null) {
            throw new CifarFormatException(source, name, CifarFormatException.NO_OFFSET, "no such file");
        }
        return p;
    }
}
