package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Valid wire messages of every type, drawn from a seeded {@link Random}, edge values included. */
final class RandomMessages {

    private final Random random;

    RandomMessages(Random random) {
        this.random = random;
    }

    Object any() {
        return switch (random.nextInt(12)) {
            case 0 -> new Handshake(random.nextInt(4), string(), nodeId());
            case 1 -> random.nextBoolean() ? HandshakeReply.ACCEPTED : new HandshakeReply(false, string());
            case 2 -> Ping.INSTANCE;
            case 3 -> Pong.INSTANCE;
            case 4 -> new RequestVote(nodeId(), nodeId(), number(), number(), number());
            case 5 -> new RequestVoteResponse(nodeId(), nodeId(), number(), random.nextBoolean());
            case 6 -> new AppendEntriesResponse(nodeId(), nodeId(), number(), random.nextBoolean(), number(),
                    number(), number());
            case 7 -> installSnapshot(64);
            case 8 -> new InstallSnapshotResponse(nodeId(), nodeId(), number(), Math.max(1, number()), number(),
                    random.nextBoolean());
            default -> appendEntries(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(12), 64);
        };
    }

    /** An AppendEntries with {@code n} entries of up to {@code maxData} bytes each. */
    AppendEntries appendEntries(int n, int maxData) {
        long term = 1 + random.nextInt(1000);
        long prevLogTerm = random.nextInt((int) term + 1);
        long prevLogIndex = prevLogTerm == 0 ? 0 : prevLogTerm + random.nextInt(1_000_000);
        List<LogEntry> entries = new ArrayList<>(n);
        long entryTerm = Math.max(1, prevLogTerm);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(4) == 0) {
                entryTerm += random.nextInt((int) (term - entryTerm) + 1);
            }
            long index = prevLogIndex + 1 + i;
            entries.add(random.nextInt(8) == 0 ? LogEntry.noop(entryTerm, index)
                    : LogEntry.command(entryTerm, index, bytes(random.nextInt(maxData + 1))));
        }
        return new AppendEntries(nodeId(), nodeId(), term, prevLogIndex, prevLogTerm, entries,
                random.nextInt((int) prevLogIndex + n + 1));
    }

    /**
     * A chunk of up to {@code maxData} bytes (a quarter of them empty) of a snapshot whose term is
     * at most the message's; often the last chunk, sometimes of a snapshot of {@code Long.MAX_VALUE}
     * bytes.
     */
    InstallSnapshot installSnapshot(int maxData) {
        long term = Math.max(1, number());
        long snapshotTerm = random.nextBoolean() ? term : 1 + Math.floorMod(random.nextLong(), term);
        byte[] data = bytes(random.nextInt(4) == 0 ? 0 : random.nextInt(maxData + 1));
        long size = switch (random.nextInt(4)) {
            case 0 -> data.length;
            case 1 -> Long.MAX_VALUE;
            default -> data.length + random.nextInt(1 << 20);
        };
        long room = size - data.length;
        long offset = room == 0 || random.nextInt(3) == 0 ? room : (random.nextLong() >>> 1) % room;
        SnapshotMeta snapshot = new SnapshotMeta(Math.max(1, number()), snapshotTerm, size, random.nextInt());
        return new InstallSnapshot(nodeId(), nodeId(), term, snapshot, offset, data);
    }

    int nodeId() {
        return switch (random.nextInt(8)) {
            case 0 -> -1;
            case 1 -> Integer.MAX_VALUE;
            default -> random.nextInt(7);
        };
    }

    /** A term or index: mostly small, sometimes near the top of the range. */
    long number() {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE - random.nextInt(3);
            case 2 -> random.nextLong() >>> 1;
            default -> random.nextInt(100_000);
        };
    }

    String string() {
        int n = random.nextInt(20);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(random.nextInt(10) == 0 ? (char) ('\u00e0' + random.nextInt(30)) : (char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
