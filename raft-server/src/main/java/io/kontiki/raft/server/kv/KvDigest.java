package io.kontiki.raft.server.kv;

/**
 * The store's digest: the sum, modulo 2^64, of one 64-bit hash per key and value. A sum does not
 * depend on the order of the keys, and is kept up to date with O(1) work per write (subtract the
 * old pair's hash, add the new one's), so two replicas at the same applied index can be compared
 * by one number ({@code kontiki status}) without reading their state. Not cryptographic: it
 * detects replicas that diverged, not an adversary.
 */
final class KvDigest {

    private KvDigest() {
    }

    /** The hash of one key and its value. */
    static long of(String key, byte[] value) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the value, seeded with the key's hash
        h ^= key.hashCode();
        h *= 0x100000001b3L;
        h ^= key.length();
        h *= 0x100000001b3L;
        for (byte b : value) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= value.length;
        // SplitMix64's finalizer, so that similar pairs land far apart.
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
