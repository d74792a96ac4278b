/**
 * Kontiki's test kit: a deterministic simulator on virtual time, the MIT Raft lab's harness,
 * and every lab test of parts 2A–2C, run against the real {@code RaftNode} and {@code RaftCore}.
 *
 * <h2>Running the lab scenarios</h2>
 * <pre>
 * mvn -B test -pl raft-testkit                       # every scenario, seeds 1..20
 * mvn -B verify -Plong-seeds                         # every scenario, seeds 1..1000
 * mvn -B test -pl raft-testkit -Dkontiki.seeds=200 -Dkontiki.firstSeed=5000
 * mvn -B test -pl raft-testkit -Dtest='Persistence2CTest#figure8Unreliable2C' -Dkontiki.seed=17
 * </pre>
 * Each passed run logs the lab's summary line (virtual seconds, peers, RPCs, bytes, commits)
 * and its seed. A failed run throws {@link io.kontiki.raft.testkit.LabRunFailure}: the seed, the
 * virtual time, the cause, the exact command that replays it, and the last 300 lines of the
 * trace ({@code -Dkontiki.traceLines=N} keeps more). Same seed, same run, bit for bit.
 *
 * <h2>How a run is put together</h2>
 * <ul>
 *   <li>{@link io.kontiki.raft.testkit.VirtualScheduler}: the virtual clock and the event queue,
 *       ordered by (time, sequence), bounded by the lab's 120 s per test.</li>
 *   <li>{@link io.kontiki.raft.testkit.SimThreads}: real Java threads of which exactly one runs
 *       at a time, so scenarios are written in plain blocking style ({@code sleep}, spawn, join)
 *       and stay deterministic.</li>
 *   <li>{@link io.kontiki.raft.testkit.VirtualLoopExecutor}: each node incarnation's event loop
 *       on virtual time; a crash turns its pending tasks into no-ops.</li>
 *   <li>{@link io.kontiki.raft.testkit.SimulatedNetwork}: the lab's {@code labrpc} for one-way
 *       messages — partitions, 0–26 ms jitter, 10 % request and reply loss, long reordering,
 *       incarnations, the lab's counters — with bytes counted by
 *       {@link io.kontiki.raft.testkit.CompactMessageSizes}.</li>
 *   <li>{@link io.kontiki.raft.testkit.Trace}: the flight recorder printed on failure.</li>
 *   <li>{@link io.kontiki.raft.testkit.SafetyChecker}: election safety, log matching, leader
 *       completeness, state machine safety and in-order application, checked on every step.</li>
 *   <li>{@link io.kontiki.raft.testkit.SimulatedCluster}: all of the above around real
 *       {@code RaftNode}s with {@code RaftConfig.lab}; one seed is split into independent
 *       random streams for the network, the scenario and each node incarnation.</li>
 * </ul>
 *
 * <h2>The lab harness and its scenarios</h2>
 * {@link io.kontiki.raft.testkit.LabHarness} is the lab's {@code config.go}
 * ({@code checkOneLeader}, {@code one}, {@code wait}, {@code nCommitted}, {@code start1},
 * {@code crash1}, …) with the lab's constants, written against the
 * {@link io.kontiki.raft.testkit.LabCluster} interface;
 * {@link io.kontiki.raft.testkit.AppliedLogs} is its record of applied values and its plain
 * applier. {@link io.kontiki.raft.testkit.LabScenarios2A}, {@code …2B} and {@code …2C} hold the
 * 21 tests, listed by {@link io.kontiki.raft.testkit.LabScenario}.
 * {@link io.kontiki.raft.testkit.SimulatedLab} runs one scenario with one seed.
 *
 * <h2>Writing a scenario</h2>
 * A scenario is a method taking a {@link io.kontiki.raft.testkit.LabClusterFactory}: make the
 * harness with {@code LabHarness.make(factory, servers, unreliable)} in a try-with-resources
 * block, call {@code begin}, drive and check the cluster, call {@code end}. To stay
 * deterministic on the simulator it must take every random number from the harness
 * ({@code randInt}, {@code randBelow}, …), wait only with {@code cfg.sleep}, and start threads
 * only with {@code cfg.spawn} — never {@code Thread.sleep}, real clocks or its own threads. Data
 * its threads share must still be thread-safe, for real-time clusters. See
 * {@code SimulatedLabTest} for small examples.
 *
 * <h2>Another backend</h2>
 * A real-time cluster (real threads, real sockets) implements
 * {@link io.kontiki.raft.testkit.LabCluster} and a
 * {@link io.kontiki.raft.testkit.LabClusterFactory}; the scenarios then run on it unchanged,
 * e.g. {@code LabScenario.FIGURE8_UNRELIABLE_2C.run(factory)}. It should share one
 * {@link io.kontiki.raft.testkit.SafetyChecker} (thread-safe) as the observer of its nodes.
 */
package io.kontiki.raft.testkit;
