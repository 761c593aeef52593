using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>One batch: inputs and targets, both owned by the caller's dispose scope.</summary>
public readonly record struct Batch(Tensor Inputs, Tensor Targets)
{
    public long Size => Inputs.shape[0];

    /// <summary>This rank's fraction of the global batch in a data-parallel run (its loss weighs K · share, DataParallel.LossWeight); 1 in one process.</summary>
    public double Share { get; init; } = 1;
}

/// <summary>
/// Mini-batches over in-memory data. The order and the random augmentations of epoch e come
/// from a generator seeded with (seed, e), so a run resumed at an epoch boundary sees exactly
/// the batches an uninterrupted run would. <see cref="BatchSize"/> is the global batch: in a
/// data-parallel run each rank takes its <see cref="Shard"/> of every batch.
/// </summary>
public sealed class BatchLoader
{
    private readonly ImageClassificationData _data;
    private readonly Func<Tensor, Generator, Tensor>? _augment;

    public BatchLoader(ImageClassificationData data, int batchSize, bool shuffle, long seed = 0, Func<Tensor, Generator, Tensor>? augment = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        _data = data;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        _augment = augment;
    }

    public int BatchSize { get; }
    public bool Shuffle { get; }
    public long Seed { get; }
    public ImageClassificationData Data => _data;

    public long Count => _data.Count;

    public int BatchesPerEpoch => BatchesPerEpochOf(Shard.Whole);

    /// <summary>The steps of an epoch for <paramref name="shard"/>'s ranks (the same on each of them).</summary>
    public int BatchesPerEpochOf(Shard shard) => shard.Batches(_data.Count, BatchSize).Count;

    /// <summary>The batches of one epoch, on <paramref name="device"/>. Each batch is created in the caller's current dispose scope.</summary>
    public IEnumerable<Batch> Epoch(int epoch, Device device) => Epoch(epoch, device, Shard.Whole);

    /// <summary>This rank's part of each batch of one epoch.</summary>
    public IEnumerable<Batch> Epoch(int epoch, Device device, Shard shard)
    {
        var batches = shard.Batches(_data.Count, BatchSize);
        using var generator = new Generator(unchecked((ulong)(Seed * 1_000_003 + epoch)));
        // The order outlives the per-step dispose scopes that the batches are made in.
        var order = (Shuffle ? randperm(_data.Count, generator: generator) : arange(_data.Count)).DetachFromDisposeScope();
        try
        {
            foreach (var (start, length) in batches)
            {
                var (offset, mine) = shard.Slice(length);
                // Augmentation draws for the whole global batch, so each sample gets the crop it would get in one process.
                using var index = _augment == null ? order.narrow(0, start + offset, mine) : order.narrow(0, start, length);
                var inputs = _data.Images.index_select(0, index);
                var labels = _data.Labels.index_select(0, index);
                if (_augment != null)
                {
                    using var whole = inputs;
                    using var augmented = _augment(whole, generator);
                    using var allLabels = labels;
                    inputs = augmented.narrow(0, offset, mine).clone();
                    labels = allLabels.narrow(0, offset, mine).clone();
                }
                yield return new Batch(inputs.to(device), labels.to(device)) { Share = mine / (double)length };
            }
        }
        finally
        {
            order.Dispose();
        }
    }
}
