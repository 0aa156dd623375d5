package io.github.landscape4j.engine.shard;

import java.io.Serializable;

/**
 * A piece of a planned snapshot's work: rows {@code j0} (inclusive) to {@code j1} (exclusive) of plane number
 * {@code task} of {@link ShardedSnapshot#planes()}.
 */
public record PlaneShard(int task, int j0, int j1) implements Serializable {

    public PlaneShard {
        if (task < 0 || j0 < 0 || j1 <= j0) {
            throw new IllegalArgumentException("shard task=" + task + " rows " + j0 + ".." + j1
                    + ": task must be >= 0 and 0 <= j0 < j1");
        }
    }
}
