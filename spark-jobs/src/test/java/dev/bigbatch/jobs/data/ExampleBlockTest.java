package dev.bigbatch.jobs.data;

import dev.bigbatch.jobs.exit.DataError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleBlockTest {
    private static ExampleRecord record(long id) {
        return new ExampleRecord(id, (int) id % 3, new byte[]{(byte) id});
    }

    @Test
    void examplesAreKeptInIdOrder() {
        ExampleBlock b = ExampleBlock.of(List.of(record(7), record(2), record(5)).iterator(), "split");
        assertEquals(3, b.size());
        assertEquals(2, b.id(0));
        assertEquals(5, b.id(1));
        assertEquals(7, b.id(2));
        assertEquals(1, b.label(2));
        assertArrayEquals(new byte[]{5}, b.image(1));
    }

    @Test
    void aRepeatedIdIsADataErrorNamingTheSourceAndTheId() {
        DataError e = assertThrows(DataError.class, () -> ExampleBlock.of(
                List.of(record(4), record(1), record(4)).iterator(), "hdfs:///data/cifar/test"));
        assertTrue(e.getMessage().contains("hdfs:///data/cifar/test: example id 4 appears twice"), e.getMessage());
    }
}
