package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatFileReaderTest {

    static final List<Object[]> SYNSETS = List.of(
            new Object[] {1, "n01440764", "tench, Tinca tinca", 0},
            new Object[] {2, "n01443537", "goldfish, Carassius auratus", 0},
            new Object[] {3, "n01484850", "great white shark, white shark", 0},
            new Object[] {1001, "n01440000", "fish", 3});

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN,true", "LITTLE_ENDIAN,false", "BIG_ENDIAN,true", "BIG_ENDIAN,false"})
    void readsTheDevkitSynsetsStruct(String order, boolean compress) {
        MatV5Writer w = new MatV5Writer(order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        byte[] file = w.file(compress, w.scalar("version", 2.5), w.synsets(SYNSETS));
        Map<String, MatValue> vars = MatFileReader.read(file, "meta.mat");
        assertEquals(List.of("version", "synsets"), List.copyOf(vars.keySet()));
        assertEquals(2.5, ((MatValue.Numeric) vars.get("version")).scalar());
        MatValue.Struct synsets = assertInstanceOf(MatValue.Struct.class, vars.get("synsets"));
        assertArrayEquals(new int[] {4, 1}, synsets.dims());
        assertEquals(List.of("ILSVRC2012_ID", "WNID", "words", "children", "num_children"), synsets.fieldNames());
        Map<String, MatValue> second = synsets.elements().get(1);
        assertEquals(2.0, ((MatValue.Numeric) second.get("ILSVRC2012_ID")).scalar());
        assertEquals("n01443537", ((MatValue.Chars) second.get("WNID")).text());
        assertEquals("goldfish, Carassius auratus", ((MatValue.Chars) second.get("words")).text());
        assertEquals(0, ((MatValue.Numeric) second.get("children")).count());
        assertEquals(1001.0, ((MatValue.Numeric) synsets.elements().get(3).get("children")).scalar(), 0.0);

        SynsetTable table = SynsetTable.fromMetaMat(file, "meta.mat");
        assertEquals(4, table.synsets().size());
        assertTrue(table.isClass("n01484850"));
        assertFalse(table.isClass("n01440000"), "non-leaf synset");
        assertEquals("n01440764", table.byIlsvrcId(1).orElseThrow().wnid());
        assertEquals("tench, Tinca tinca", table.namesByWnid().get("n01440764"));
    }

    @Test
    void charMatricesAreReadColumnMajorAndCellsMayHoldEmptyElements() {
        MatV5Writer w = new MatV5Writer(ByteOrder.LITTLE_ENDIAN);
        byte[] cell = w.matrix("c", MatV5Writer.MX_CELL, new int[] {1, 2}, w.emptyElement(), w.chars("", "ab"));
        byte[] file = w.file(false, w.chars("rows", "abc", "def"), cell);
        Map<String, MatValue> vars = MatFileReader.read(file, "x.mat");
        assertEquals(List.of("abc", "def"), ((MatValue.Chars) vars.get("rows")).rows());
        MatValue.Cell c = (MatValue.Cell) vars.get("c");
        assertEquals(0, c.elements().get(0).count());
        assertEquals("ab", ((MatValue.Chars) c.elements().get(1)).text());
    }

    @Test
    void badFilesAreRejectedWithTheFileName() {
        assertTrue(assertThrows(InputDataException.class, () -> MatFileReader.read(new byte[10], "meta.mat"))
                .getMessage().startsWith("meta.mat is not a MAT-file"));
        byte[] noIndicator = new byte[200];
        assertTrue(assertThrows(InputDataException.class, () -> MatFileReader.read(noIndicator, "m.mat"))
                .getMessage().contains("endian indicator"));
        byte[] hdf5 = Arrays.copyOf("MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .".getBytes(), 512);
        assertTrue(assertThrows(InputDataException.class, () -> MatFileReader.read(hdf5, "m.mat"))
                .getMessage().contains("v7.3"));
        MatV5Writer w = new MatV5Writer(ByteOrder.LITTLE_ENDIAN);
        byte[] whole = w.file(false, w.synsets(SYNSETS));
        byte[] cut = Arrays.copyOf(whole, whole.length - 40);
        assertTrue(assertThrows(InputDataException.class, () -> MatFileReader.read(cut, "m.mat"))
                .getMessage().contains("m.mat"));
        byte[] noSynsets = w.file(true, w.scalar("other", 1));
        assertTrue(assertThrows(InputDataException.class, () -> SynsetTable.fromMetaMat(noSynsets, "m.mat"))
                .getMessage().contains("no 'synsets'"));
    }
}
