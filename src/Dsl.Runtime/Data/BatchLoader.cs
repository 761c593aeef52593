using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>One batch: inputs and targets, both owned by the caller's dispose scope.</summary>
public readonly record struct Batch(Tensor Inputs, Tensor Targets)
{
    public long Size => Inputs.shape[0];
}

/// <summary>
/// Mini-batches over in-memory data. The order and the random augmentations of epoch e come
/// from a generator seeded with (seed, e), so a run resumed at an epoch boundary sees exactly
/// the batches an uninterrupted run would.
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

    public int BatchesPerEpoch => (int)((_data.Count + BatchSize - 1) / BatchSize);

    /// <summary>The batches of one epoch, on <paramref name="device"/>. Each batch is created in the caller's current dispose scope.</summary>
    public IEnumerable<Batch> Epoch(int epoch, Device device)
    {
        using var generator = new Generator(unchecked((ulong)(Seed * 1_000_003 + epoch)));
        // The order outlives the per-step dispose scopes that the batches are made in.
        var order = (Shuffle ? randperm(_data.Count, generator: generator) : arange(_data.Count)).DetachFromDisposeScope();
        try
        {
            for (long start = 0; start < _data.Count; start += BatchSize)
            {
                var length = Math.Min(BatchSize, _data.Count - start);
                using var index = order.narrow(0, start, length);
                var inputs = _data.Images.index_select(0, index);
                if (_augment != null)
                {
                    var augmented = _augment(inputs, generator);
                    inputs.Dispose();
                    inputs = augmented;
                }
                yield return new Batch(inputs.to(device), _data.Labels.index_select(0, index).to(device));
            }
        }
        finally
        {
            order.Dispose();
        }
    }
}
