package io.github.landscape4j.surface.internal;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

import java.util.UUID;

/**
 * Internal: an ND4J workspace for the temporaries of a loop whose iterations allocate the same arrays (a grid row, a
 * random direction, a Hessian-vector product). On the CPU backend a fresh array of a few hundred kilobytes or more is
 * mapped from the system and page-faulted in, which cost more than the arithmetic on it in this project's profiles;
 * arrays made inside {@link #open()} reuse the memory of the previous iteration instead (the first iteration learns
 * the size). Nothing made inside may outlive the scope. {@link #release()} frees it on the calling thread.
 */
public final class Scratch {
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).build();

    private final String id;

    public Scratch(String purpose) {
        this.id = "landscape4j-" + purpose + "-" + UUID.randomUUID();
    }

    /** Opens one iteration's scope (close it at the end of the iteration). */
    public MemoryWorkspace open() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }

    /** A layer workspace manager whose every array goes to this workspace (layers' activations of one iteration). */
    public org.deeplearning4j.nn.workspace.LayerWorkspaceMgr layers() {
        return org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.builder().defaultWorkspace(id, CONFIG).build();
    }

    /** Frees the workspace's memory on the calling thread. */
    public void release() {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExists(id)) {
            Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(id));
        }
    }
}
