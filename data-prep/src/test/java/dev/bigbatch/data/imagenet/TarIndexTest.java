package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigbatch.data.io.TarFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TarIndexTest {

    @TempDir
    java.nio.file.Path dir;

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    private static Map<String, byte[]> innerTar(String wnid, int files) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < files; i++) {
            m.put(wnid + "_" + i + ".JPEG", bytes(300 + 700 * i, i + wnid.hashCode()));
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(ints = {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU})
    void indexesMembersByOffsetAndStreamsInnerTars(int longFileMode) throws IOException {
        String longName = "a-very-long-directory-name-that-needs-an-extension-header/" + "x".repeat(90) + ".tar";
        Map<String, byte[]> outer = new LinkedHashMap<>();
        outer.put("n01440764.tar", TarFixtures.tar(innerTar("n01440764", 3)));
        outer.put("some-dir/", new byte[0]);
        outer.put(longName, TarFixtures.tar(innerTar("n01443537", 1)));
        outer.put("n01484850.tar", TarFixtures.tar(innerTar("n01484850", 2)));
        java.nio.file.Path file = dir.resolve("train.tar");
        byte[] archive = TarFixtures.tar(outer, longFileMode);
        Files.write(file, archive);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path path = new Path(file.toUri());

        List<TarMember> members = TarIndex.read(fs, path);

        assertEquals(List.of("n01440764.tar", longName, "n01484850.tar"), members.stream().map(TarMember::name)
                .toList(), "directories are skipped, long names resolved");
        for (TarMember m : members) {
            byte[] expected = outer.get(m.name());
            assertEquals(expected.length, m.size());
            byte[] atOffset = Arrays.copyOfRange(archive, (int) m.dataOffset(), (int) (m.dataOffset() + m.size()));
            assertArrayEquals(expected, atOffset, m.name());
        }
        TarMember first = members.get(0);
        assertEquals("n01440764", first.stem());
        Map<String, byte[]> expectedInner = innerTar("n01440764", 3);
        List<String> seen = new ArrayList<>();
        try (TarArchiveInputStream inner = new TarArchiveInputStream(TarMemberStream.open(fs, path, first))) {
            TarArchiveEntry e;
            while ((e = inner.getNextTarEntry()) != null) {
                seen.add(e.getName());
                assertArrayEquals(expectedInner.get(e.getName()), inner.readAllBytes(), e.getName());
            }
        }
        assertEquals(List.copyOf(expectedInner.keySet()), seen);
    }

    @Test
    void corruptHeaderIsReportedWithItsByteOffset() throws IOException {
        Map<String, byte[]> outer = new LinkedHashMap<>();
        outer.put("a.tar", bytes(1000, 1));
        outer.put("b.tar", bytes(10, 2));
        byte[] archive = TarFixtures.tar(outer);
        archive[512 + 1024 + 3] ^= 0x40; // second header starts after 512 header + 1000 data padded to 1024
        java.nio.file.Path file = dir.resolve("bad.tar");
        Files.write(file, archive);
        InputDataException e = assertThrows(InputDataException.class,
                () -> TarIndex.read(FileSystem.getLocal(new Configuration()), new Path(file.toUri())));
        assertTrue(e.getMessage().contains("corrupt tar header at byte offset 1536"), e.getMessage());
    }

    @Test
    void malformedPaxRecordsAreReportedWithTheirByteOffset() throws IOException {
        // A name over 100 bytes gets a PAX header (member 0) whose "%d path=%s\n" record is the data at 512.
        byte[] archive = TarFixtures.tar(Map.of("d/" + "x".repeat(120) + ".tar", bytes(10, 3)));
        int paxBytes = (int) new TarArchiveEntry(Arrays.copyOf(archive, 512)).getSize();
        FileSystem fs = FileSystem.getLocal(new Configuration());

        byte[] badSize = archive.clone();
        String record = paxBytes + " size=";
        record += "z".repeat(paxBytes - record.length() - 1) + "\n";
        System.arraycopy(record.getBytes(StandardCharsets.US_ASCII), 0, badSize, 512, paxBytes);
        java.nio.file.Path file = Files.write(dir.resolve("size.tar"), badSize);
        InputDataException e = assertThrows(InputDataException.class, () -> TarIndex.read(fs, new Path(file.toUri())));
        assertTrue(e.getMessage().contains("malformed PAX size 'zzz") && e.getMessage().contains("byte offset 512 of"),
                e.getMessage());

        byte[] tooShort = archive.clone();
        tooShort[512] = '1'; // a record length of 1 cannot hold even its own " \n"
        tooShort[513] = ' ';
        java.nio.file.Path shortFile = Files.write(dir.resolve("short.tar"), tooShort);
        e = assertThrows(InputDataException.class, () -> TarIndex.read(fs, new Path(shortFile.toUri())));
        assertTrue(e.getMessage().contains("malformed PAX record length at byte offset 512 of"), e.getMessage());
    }

    @Test
    void truncatedArchiveAndNonTarAreRejected() throws IOException {
        byte[] archive = TarFixtures.tar(Map.of("a.tar", bytes(5000, 1)));
        java.nio.file.Path cut = dir.resolve("cut.tar");
        Files.write(cut, Arrays.copyOf(archive, 2048));
        FileSystem fs = FileSystem.getLocal(new Configuration());
        InputDataException e = assertThrows(InputDataException.class, () -> TarIndex.read(fs, new Path(cut.toUri())));
        assertTrue(e.getMessage().contains("truncated tar") && e.getMessage().contains("'a.tar'"), e.getMessage());

        java.nio.file.Path notTar = dir.resolve("photo.jpg");
        Files.write(notTar, bytes(4096, 9));
        e = assertThrows(InputDataException.class, () -> TarIndex.read(fs, new Path(notTar.toUri())));
        assertTrue(e.getMessage().contains("byte offset 0"), e.getMessage());
    }

    @Test
    void archiveCutAtOrInsideAHeaderIsRejectedNotReadShort() throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("n01440764.tar", bytes(1000, 1));
        members.put("n01443537.tar", bytes(700, 2));
        byte[] archive = TarFixtures.tar(members);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        long secondHeader = TarIndex.BLOCK + TarIndex.padded(1000);
        java.nio.file.Path whole = Files.write(dir.resolve("whole.tar"), archive);
        assertEquals(2, TarIndex.read(fs, new Path(whole.toUri())).size());

        // cut exactly where the second member's header starts: without the check this lists one member
        java.nio.file.Path atBoundary = Files.write(dir.resolve("boundary.tar"),
                Arrays.copyOf(archive, (int) secondHeader));
        InputDataException e = assertThrows(InputDataException.class,
                () -> TarIndex.read(fs, new Path(atBoundary.toUri())));
        assertTrue(e.getMessage().contains("truncated tar") && e.getMessage().contains("boundary.tar")
                && e.getMessage().contains("ends at byte " + secondHeader), e.getMessage());

        java.nio.file.Path inHeader = Files.write(dir.resolve("inheader.tar"),
                Arrays.copyOf(archive, (int) secondHeader + 100));
        e = assertThrows(InputDataException.class, () -> TarIndex.read(fs, new Path(inHeader.toUri())));
        assertTrue(e.getMessage().contains("inside the header that starts at byte offset " + secondHeader),
                e.getMessage());

        java.nio.file.Path empty = Files.write(dir.resolve("empty.tar"), new byte[0]);
        e = assertThrows(InputDataException.class, () -> TarIndex.read(fs, new Path(empty.toUri())));
        assertTrue(e.getMessage().contains("truncated tar"), e.getMessage());

        java.nio.file.Path noMembers = Files.write(dir.resolve("nomembers.tar"), TarFixtures.tar(Map.of()));
        assertEquals(List.of(), TarIndex.read(fs, new Path(noMembers.toUri())));
    }
}
