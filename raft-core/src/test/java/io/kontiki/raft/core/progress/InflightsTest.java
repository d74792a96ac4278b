package io.kontiki.raft.core.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests for {@link Inflights}: a bounded FIFO of the last indexes of unacknowledged appends. */
class InflightsTest {

    private static Inflights holding(int capacity, long... lastIndexes) {
        Inflights in = new Inflights(capacity);
        for (long i : lastIndexes) {
            in.add(i);
        }
        return in;
    }

    @Test
    void isFullExactlyAtCapacity() {
        Inflights in = new Inflights(3);
        assertTrue(in.isEmpty());
        in.add(1);
        in.add(2);
        assertFalse(in.isFull());
        in.add(3);
        assertTrue(in.isFull());
        assertEquals(3, in.count());
    }

    @Test
    void addingToAFullWindowIsRefused() {
        Inflights in = holding(2, 5, 10);
        assertThrows(IllegalStateException.class, () -> in.add(15));
        assertEquals(2, in.count());
    }

    @ParameterizedTest(name = "inflight [5,10,15,20], freeUpTo({0}) leaves {1}")
    @CsvSource({
        "0, 4",
        "4, 4",
        "5, 3",    // frees exactly the message ending at 5
        "12, 2",   // frees 5 and 10; 15 is still unacknowledged
        "20, 0",
        "99, 0",
    })
    void freeUpToFreesEveryMessageEndingAtOrBelowTheIndex(long index, int remaining) {
        Inflights in = holding(4, 5, 10, 15, 20);
        in.freeUpTo(index);
        assertEquals(remaining, in.count());
        assertEquals(remaining == 4, in.isFull());
    }

    @Test
    void freesInFifoOrderAcrossTheWrapAround() {
        Inflights in = holding(3, 1, 2, 3);
        in.freeUpTo(2);          // start moves to slot 2
        in.add(4);
        in.add(5);               // both wrap around to slots 0 and 1
        assertTrue(in.isFull());

        in.freeUpTo(3);
        assertEquals(2, in.count());
        in.freeUpTo(4);
        assertEquals(1, in.count());
        in.freeUpTo(5);
        assertTrue(in.isEmpty());
    }

    @Test
    void freeUpToStopsAtTheOldestMessageAboveTheIndex() {
        Inflights in = holding(4, 10, 20, 30);
        in.freeUpTo(25);
        assertEquals(1, in.count());
        in.freeUpTo(25); // a duplicate acknowledgement frees nothing more
        assertEquals(1, in.count());
    }

    @Test
    void resetEmptiesTheWindow() {
        Inflights in = holding(2, 1, 2);
        in.reset();
        assertTrue(in.isEmpty());
        in.add(3);
        in.add(4);
        assertTrue(in.isFull());
    }

    @Test
    void aWindowNeedsRoomForAtLeastOneMessage() {
        assertThrows(IllegalArgumentException.class, () -> new Inflights(0));
    }
}
