package io.kontiki.raft.testkit;

/**
 * What a passed simulated lab run produced.
 *
 * @param scenario      the scenario's name, e.g. {@code figure8Unreliable2C}
 * @param summary       the lab's "Passed" line, with the seed
 * @param virtualMillis virtual time from {@code make_config} to the end
 * @param rpcTotal      request messages sent
 * @param bytesTotal    bytes counted by the network
 * @param events        events the scheduler ran
 * @param fingerprint   the trace fingerprint of the whole run (equal fingerprints: same run)
 * @param trace         the last lines of the trace
 */
public record LabRunResult(String scenario, long seed, String summary, long virtualMillis,
                           long rpcTotal, long bytesTotal, long events, long fingerprint, String trace) {
}
