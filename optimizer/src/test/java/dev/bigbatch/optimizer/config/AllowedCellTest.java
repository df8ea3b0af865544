package dev.bigbatch.optimizer.config;

import dev.bigbatch.optimizer.config.AllowedCell.Probe;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The grammar of docs/CONFIG.md's Allowed cells: which values each form has the reference tests try. */
class AllowedCellTest {
    private static Probe p(Object value, boolean accepted) {
        return new Probe(value, accepted, Map.of());
    }

    @Test
    void closedAndOpenBoundsOfWholeAndDecimalDefaults() {
        assertEquals(List.of(p(1L, true), p(0L, false), p(16L, true), p(17L, false), p(-1L, false)),
                AllowedCell.probes("[1, 16]", 4L));
        assertEquals(List.of(p(0.0, false), p(Double.MIN_VALUE, true), p(1e6, true), p(Math.nextUp(1e6), false),
                p(-1.0, false), p(1.0, true)), AllowedCell.probes("(0, 1e6]", 0.5));
        assertEquals(List.of(p(1L, true), p(0L, false), p(-1L, false)), AllowedCell.probes("≥ 1", 10L));
    }

    @Test
    void wholeBoundsAreExactBeyondTheDoublePrecision() {
        long max = Long.MAX_VALUE / 2;
        assertEquals(List.of(p(0L, true), p(-1L, false), p(max, true), p(max + 1, false), p(1L, true)),
                AllowedCell.probes("[0, " + max + "]", 0L));
    }

    @Test
    void minusOneZeroAndOneAreTriedToo() {
        assertTrue(AllowedCell.probes("(1, 1e12]", 10.0).contains(p(0.0, false)), "a dropped '0 or' would fail");
    }

    @Test
    void aSingleValueBesideAnIntervalIsAcceptedAndItsNeighboursOnlyInside() {
        assertEquals(List.of(p(8L, true), p(7L, false), p(4096L, true), p(4097L, false), p(0L, true), p(-1L, false),
                p(1L, false)), AllowedCell.probes("0 or [8, 4096]", 0L));
        List<Probe> divergence = AllowedCell.probes("0 or (1, 1e12]", 10.0);
        assertTrue(divergence.containsAll(List.of(p(0.0, true), p(1.0, false), p(Math.nextUp(1.0), true),
                p(-Double.MIN_VALUE, false), p(Double.MIN_VALUE, false), p(-1.0, false))), divergence.toString());
        assertTrue(AllowedCell.probes("0 or [0, 5]", 0L).contains(p(1L, true)), "a neighbour inside is accepted");
    }

    @Test
    void aMultipleOfAnotherKeyIsTriedWithItAtOneAndAtTwo() {
        Map<String, Object> one = Map.of("ghost-batch-size", 1L);
        Map<String, Object> two = Map.of("ghost-batch-size", 2L);
        assertEquals(List.of(new Probe(1L, true, one), new Probe(0L, false, one), new Probe(64L, true, one),
                        new Probe(65L, false, one), new Probe(-1L, false, one), new Probe(2L, true, two),
                        new Probe(3L, false, two)),
                AllowedCell.probes("[1, 64], a multiple of `ghost-batch-size`", 32L));
    }

    @Test
    void aContextIsSetForEveryValue() {
        List<Probe> probes = AllowedCell.probes("[1, 16]; only with `mode = single-loop`", 2L);
        assertEquals(5, probes.size());
        probes.forEach(p -> assertEquals(Map.of("mode", "single-loop"), p.with()));
    }

    @Test
    void aBoundNamingAKeyIsItsValueAndFollowsIt() {
        Map<String, Number> values = Map.of("learning-rate", 0.25);
        Map<String, Object> moved = Map.of("learning-rate", 0.5);
        Set<String> relation = Set.of("learning-rate");
        assertEquals(List.of(p(0.0, true), p(-Double.MIN_VALUE, false), p(0.25, true),
                        new Probe(Math.nextUp(0.25), false, Map.of(), relation), p(-1.0, false),
                        new Probe(1.0, false, Map.of(), relation), new Probe(0.5, true, moved),
                        new Probe(Math.nextUp(0.5), false, moved, relation)),
                AllowedCell.probes("[0, `learning-rate`]", 0.0, values::get));
        // A key bound at the low end, a whole-number key at 0 (moved to 1).
        assertEquals(List.of(p(3L, true), new Probe(2L, false, Map.of(), Set.of("low")), p(9L, true), p(10L, false),
                        new Probe(-1L, false, Map.of(), Set.of("low")), new Probe(0L, false, Map.of(), Set.of("low")),
                        new Probe(1L, false, Map.of(), Set.of("low")), new Probe(6L, true, Map.of("low", 6L)),
                        new Probe(5L, false, Map.of("low", 6L), Set.of("low"))),
                AllowedCell.probes("[`low`, 9]", 4L, Map.<String, Number>of("low", 3L)::get));
        assertEquals(1L, AllowedCell.probes("(0, `n`]", 0L, Map.<String, Number>of("n", 0L)::get).stream()
                .filter(p -> p.with().equals(Map.of("n", 1L)) && p.accepted()).count(), "0 moves to 1");
        assertNull(AllowedCell.probes("[0, `unknown`]", 0.0, values::get), "a key without a value is prose");
    }

    @Test
    void aRangeThatDependsOnAnotherKeysValue() {
        Map<String, Object> twoLoop = Map.of("mode", "two-loop");
        List<Probe> probes = AllowedCell.probes("[0, 1); [0, 1] with `mode = two-loop`", 0.9);
        assertEquals(List.of(p(0.0, true), p(-Double.MIN_VALUE, false), p(1.0, false), p(Math.nextDown(1.0), true),
                p(-1.0, false), new Probe(0.0, true, twoLoop), new Probe(-Double.MIN_VALUE, false, twoLoop),
                new Probe(1.0, true, twoLoop), new Probe(Math.nextUp(1.0), false, twoLoop),
                new Probe(-1.0, false, twoLoop)), probes);
        assertNull(AllowedCell.probes("[0, 1); increasing with `mode = two-loop`", 0.9));
        assertNull(AllowedCell.probes("increasing whole numbers ≥ 1; at least one with `step`", 0L));
    }

    @Test
    void freeFormsAndChoices() {
        assertEquals(List.of(p(Long.MIN_VALUE, true), p(Long.MAX_VALUE, true), p(0.5, false)),
                AllowedCell.probes("any whole number", 7L));
        assertEquals(1, AllowedCell.probes("any string", "").size());
        assertEquals(List.of("fresh", "carry"), AllowedCell.names("`fresh`, `carry`"));
        assertTrue(AllowedCell.isList("list of `bias`, `norm`"));
        assertNull(AllowedCell.probes("[0, `learning-rate`]", 0.0), "a bound naming another key is prose");
        assertNull(AllowedCell.probes("`fresh`, `carry`", "fresh"));
        assertNull(AllowedCell.names("[0, 1]"));
    }
}
