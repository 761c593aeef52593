using System;
using Dsl.Runtime.Distributed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// The runtime's BatchNorm (1d, 2d or 3d by <see cref="SpatialDims"/>): TorchSharp's, until a
/// data-parallel run asks for synchronised statistics (PyTorch's SyncBatchNorm); then a training
/// pass normalises with the mean and variance of the whole batch across the ranks, and its
/// gradient flows through them to every rank's inputs.
/// </summary>
public sealed class SyncBatchNorm : BatchNorm, IBatchStatistics
{
    private Communicator? _replicas;

    public SyncBatchNorm(long features, long spatialDims, double eps = 1e-5, double momentum = 0.1, bool affine = true)
        : base(features, eps, momentum, affine, track_running_stats: true, device: null, dtype: null, name: $"BatchNorm{spatialDims}d")
    {
        if (spatialDims is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(spatialDims), spatialDims, "batch_norm has 1, 2 or 3 spatial dimensions");
        SpatialDims = spatialDims;
    }

    public long SpatialDims { get; }

    public bool OnRequest => true;

    public void ReduceOver(Communicator? replicas) => _replicas = replicas;

    public override Tensor forward(Tensor input) =>
        _replicas is { Size: > 1 } replicas && training ? Synchronized(input, replicas) : base.forward(input);

    protected override void ValidateInputDimensions(Tensor input)
    {
        // BatchNorm1d also takes [N, C]; 2d and 3d take exactly [N, C, ...spatial].
        var ranks = SpatialDims == 1 ? new long[] { 2, 3 } : new[] { SpatialDims + 2 };
        if (!ranks.Contains(input.dim()))
            throw new ArgumentException($"BatchNorm{SpatialDims}d expects a {string.Join(" or ", ranks)}-dimensional input, got {input.dim()} dimensions");
    }

    private Tensor Synchronized(Tensor input, Communicator replicas)
    {
        ValidateInputDimensions(input);
        using (no_grad()) num_batches_tracked!.add_(1);
        var factor = momentum ?? 1.0 / num_batches_tracked.item<long>();
        return BatchNormalization.Apply(input, running_mean!, running_var!, weight, bias, training: true, factor, eps, replicas);
    }
}
