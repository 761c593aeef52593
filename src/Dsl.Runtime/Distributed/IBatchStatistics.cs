namespace Dsl.Runtime.Distributed;

/// <summary>
/// A module whose training takes statistics over the batch (BatchNorm's moments, LSQ's
/// first-batch step). In a data-parallel run each rank holds a shard of the batch, so the
/// trainer hands such modules the ranks to reduce over, and they see the whole batch as one
/// process would.
/// </summary>
public interface IBatchStatistics
{
    /// <summary>
    /// True where reducing is an option the run asks for (BatchNorm, as PyTorch's SyncBatchNorm:
    /// <c>TrainerOptions.SyncBatchNorm</c>); false where the ranks would otherwise drift apart
    /// (a parameter set once from the data must be the same everywhere).
    /// </summary>
    bool OnRequest { get; }

    /// <summary>The ranks whose shards make up the batch, or null for this process's batch alone.</summary>
    void ReduceOver(Communicator? replicas);
}
