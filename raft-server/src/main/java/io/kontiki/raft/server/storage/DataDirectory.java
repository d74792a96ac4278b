package io.kontiki.raft.server.storage;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Properties;

/**
 * A node's data directory: who it belongs to, and that only one process uses it.
 *
 * <pre>
 * &lt;dataDir&gt;/
 *   LOCK              exclusive {@link FileChannel#tryLock() lock} while open; holds the owner's pid
 *   meta.properties   cluster.id, node.id, version; written once, atomically
 *   hardstate         see {@link HardStateFile}
 *   log/              segment files, see {@link SegmentedLog}
 * </pre>
 *
 * {@link #open} creates the directory if missing, takes the lock, and writes
 * {@code meta.properties} on first use; on later opens it refuses a directory that belongs to
 * another node id or another cluster. Thread: {@code open} and {@code close} from any one thread.
 * Blocking: yes (file I/O, one fsync on first use). Errors: {@link DataDirectoryException} with a
 * one-line message; {@link UncheckedIOException} for I/O failures after the checks.
 */
public final class DataDirectory implements AutoCloseable {

    public static final String LOCK_FILE = "LOCK";
    public static final String META_FILE = "meta.properties";
    private static final String VERSION = "1";

    private final Path path;
    private final String clusterId;
    private final int nodeId;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path path, String clusterId, int nodeId, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.clusterId = clusterId;
        this.nodeId = nodeId;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating if needed) and locks {@code path} for node {@code nodeId} of cluster
     * {@code clusterId}. The lock is held until {@link #close}.
     */
    public static DataDirectory open(Path path, String clusterId, int nodeId) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isBlank() || clusterId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("cluster id must be non-blank printable text: '" + clusterId + "'");
        }
        if (nodeId < 0) {
            throw new IllegalArgumentException("node id must be >= 0: " + nodeId);
        }
        Path dir = path.toAbsolutePath().normalize();
        createAndCheck(dir);
        FileChannel channel = openLockFile(dir);
        FileLock lock = acquire(dir, channel);
        try {
            checkOrWriteMeta(dir, clusterId, nodeId);
            return new DataDirectory(dir, clusterId, nodeId, channel, lock);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public String clusterId() {
        return clusterId;
    }

    public int nodeId() {
        return nodeId;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        if (!lockChannel.isOpen()) {
            return;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + path.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
        }
    }

    private static void createAndCheck(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new DataDirectoryException("data directory " + dir + " exists but is not a directory");
        } catch (IOException e) {
            throw new DataDirectoryException("cannot create data directory " + dir + ": " + describe(e), e);
        }
        if (!Files.isDirectory(dir)) {
            throw new DataDirectoryException("data directory " + dir + " exists but is not a directory");
        }
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new DataDirectoryException("data directory " + dir + " is not readable and writable by user '"
                    + System.getProperty("user.name") + "'");
        }
    }

    private static FileChannel openLockFile(Path dir) {
        Path lockFile = dir.resolve(LOCK_FILE);
        try {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot open " + lockFile + ": " + describe(e), e);
        }
    }

    private static FileLock acquire(Path dir, FileChannel channel) {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirectoryException("data directory " + dir + " is already open in this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirectoryException("cannot lock " + lockFile + ": " + describe(e), e);
        }
        if (lock == null) {
            String holder = readHolder(lockFile);
            closeQuietly(channel);
            throw new DataDirectoryException("data directory " + dir + " is in use by another process ("
                    + holder + " holds " + lockFile + "); is another server running with it?");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirectoryException("cannot write " + lockFile + ": " + describe(e), e);
        }
        return lock;
    }

    private static String readHolder(Path lockFile) {
        try {
            String pid = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
            return pid.isEmpty() ? "a process" : "pid " + pid;
        } catch (IOException | RuntimeException e) {
            return "a process";
        }
    }

    private static void checkOrWriteMeta(Path dir, String clusterId, int nodeId) {
        Path meta = dir.resolve(META_FILE);
        AtomicFiles.deleteLeftoverTmp(meta);
        if (!Files.exists(meta)) {
            if (Files.exists(dir.resolve(HardStateFile.NAME)) || Files.exists(dir.resolve("log"))) {
                throw new DataDirectoryException("data directory " + dir + " holds Raft state but no " + META_FILE
                        + "; refusing to adopt it (restore the file or use an empty directory)");
            }
            writeMeta(meta, clusterId, nodeId);
            return;
        }
        Properties p = readMeta(meta);
        String storedCluster = p.getProperty("cluster.id");
        String storedNode = p.getProperty("node.id");
        if (!VERSION.equals(p.getProperty("version")) || storedCluster == null || storedNode == null
                || !storedNode.matches("\\d{1,10}")) {
            throw new DataDirectoryException(meta + " is not a valid Kontiki " + META_FILE
                    + " (expected version=1, cluster.id and node.id)");
        }
        if (!storedCluster.equals(clusterId) || Long.parseLong(storedNode) != nodeId) {
            throw new DataDirectoryException("data directory " + dir + " belongs to node " + storedNode + " of cluster '"
                    + storedCluster + "', not to node " + nodeId + " of cluster '" + clusterId
                    + "'; refusing to use another node's data");
        }
    }

    private static Properties readMeta(Path meta) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(meta, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new DataDirectoryException("cannot read " + meta + ": " + e.getMessage(), e);
        }
        return p;
    }

    private static void writeMeta(Path meta, String clusterId, int nodeId) {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("cluster.id", clusterId);
        p.setProperty("node.id", Integer.toString(nodeId));
        StringWriter out = new StringWriter();
        try {
            p.store(out, "Kontiki data directory: identifies the owner; do not edit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.replace(meta, out.toString().getBytes(StandardCharsets.UTF_8), new DiskSync(true));
    }

    private static String describe(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }
}
