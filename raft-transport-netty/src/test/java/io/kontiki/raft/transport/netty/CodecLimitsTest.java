package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodecLimitsTest {

    @Test
    void defaultsAre16MiBFrames65536EntriesFrameSizedEntriesAnd1KiBStrings() {
        assertEquals(new CodecLimits(16 * 1024 * 1024, 65_536, 16 * 1024 * 1024, 1024), CodecLimits.DEFAULTS);
        assertEquals(16 * 1024 * 1024 - 4, CodecLimits.DEFAULTS.maxBodyBytes());
    }

    @ParameterizedTest(name = "frame={0} entries={1} entry={2} string={3}")
    @CsvSource({
            "63, 1, 0, 1",          // frame below the minimum
            "-1, 1, 0, 1",
            "64, 0, 0, 1",          // no entries at all
            "64, 1, -1, 1",         // negative entry size
            "64, 1, 65, 1",         // entry larger than a frame
            "64, 1, 0, 0",          // no strings
            "64, 1, 0, 64",         // string as large as a frame
    })
    void constructorRejectsLimitsThatCannotWork(int frame, int entries, int entry, int string) {
        assertThrows(IllegalArgumentException.class, () -> new CodecLimits(frame, entries, entry, string));
    }

    @Test
    void smallestLimitsAreAccepted() {
        CodecLimits l = new CodecLimits(64, 1, 0, 1);
        assertEquals(60, l.maxBodyBytes());
    }

    @Test
    void withMaxFrameBytesKeepsOtherDefaultsThatFit() {
        assertEquals(new CodecLimits(1 << 20, 65_536, 1 << 20, 1024), CodecLimits.withMaxFrameBytes(1 << 20));
        assertEquals(new CodecLimits(256, 65_536, 256, 128), CodecLimits.withMaxFrameBytes(256));
    }
}
