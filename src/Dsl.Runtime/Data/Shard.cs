using System;
using System.Collections.Generic;

namespace Dsl.Runtime.Data;

/// <summary>
/// One rank's part of every batch in a data-parallel run of <see cref="Count"/> ranks (a
/// distributed sampler). A loader's batch size is the global batch: batch b of an epoch is the
/// same samples in the same order for any number of ranks, and each rank takes a contiguous
/// slice of it, the slices' sizes differing by at most one. So every sample is seen exactly
/// once per epoch, and K ranks step as one process with the whole batch would.
/// </summary>
public sealed record Shard(int Rank, int Count)
{
    /// <summary>The single process's shard: every batch whole.</summary>
    public static Shard Whole { get; } = new(0, 1);

    /// <summary>
    /// The global batches (start and length in the epoch's order) of <paramref name="samples"/>
    /// samples. A last batch too short to give every rank a sample joins the one before, so no
    /// rank ever steps on nothing.
    /// </summary>
    public IReadOnlyList<(long Start, long Length)> Batches(long samples, int batchSize)
    {
        if (batchSize < Count) throw new ArgumentException($"a batch of {batchSize} cannot be shared by {Count} ranks: the batch size is the global batch, at least one sample per rank", nameof(batchSize));
        if (samples < Count) throw new ArgumentException($"{samples} samples cannot be shared by {Count} ranks", nameof(samples));
        var batches = new List<(long, long)>();
        for (long start = 0; start < samples; start += batchSize) batches.Add((start, Math.Min(batchSize, samples - start)));
        if (batches.Count > 1 && batches[^1].Item2 < Count)
        {
            var (start, _) = batches[^2];
            batches.RemoveAt(batches.Count - 1);
            batches[^1] = (start, samples - start);
        }
        return batches;
    }

    /// <summary>This rank's offset and length in a global batch of <paramref name="length"/> samples.</summary>
    public (long Offset, long Length) Slice(long length)
    {
        var (each, extra) = (length / Count, length % Count);
        return (Rank * each + Math.Min(Rank, extra), each + (Rank < extra ? 1 : 0));
    }
}
