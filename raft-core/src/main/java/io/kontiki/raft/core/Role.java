package io.kontiki.raft.core;

/** A node's role (§5.1). Pre-vote and learners will add roles here. */
public enum Role {
    FOLLOWER,
    CANDIDATE,
    LEADER
}
