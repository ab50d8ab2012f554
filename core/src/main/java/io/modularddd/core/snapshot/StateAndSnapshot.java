package io.modularddd.core.snapshot;

import io.modularddd.core.StreamState;
import java.util.Optional;

/**
 * A stream's lifecycle state and the newest snapshot of its aggregate, read together by
 * {@link SnapshotStore#newestWithState}.
 *
 * @param state    where the stream stands (deleted, truncated, erased, versions)
 * @param snapshot the newest snapshot, if any
 */
public record StateAndSnapshot(StreamState state, Optional<Snapshot> snapshot) {
}
