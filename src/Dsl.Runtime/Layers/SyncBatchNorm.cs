using System;
using System.Linq;
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
        var axes = Enumerable.Range(0, (int)input.dim()).Where(a => a != 1).Select(a => (long)a).ToArray();
        var shape = Enumerable.Repeat(1L, (int)input.dim()).ToArray();
        shape[1] = num_features;
        // Sums around the running mean (the same on every rank) keep E[x²] − E[x]² accurate in one reduction.
        using var runningMean = running_mean!.detach().clone();
        var shift = runningMean.view(shape);
        var centred = input - shift;
        var count = full(new long[] { 1 }, input.numel() / num_features, dtype: input.dtype, device: input.device);
        var local = cat(new[] { centred.sum(axes), centred.square().sum(axes), count });
        var total = ReplicaSum.apply(local, replicas);
        var n = total[-1];
        var meanShift = total.narrow(0, 0, num_features) / n;
        var variance = total.narrow(0, num_features, num_features) / n - meanShift.square();
        var output = (centred - meanShift.view(shape)) * (variance + eps).rsqrt().view(shape);
        if (weight is not null) output = output * weight.view(shape) + bias!.view(shape);
        using (no_grad())
        {
            num_batches_tracked!.add_(1);
            var factor = momentum ?? 1.0 / num_batches_tracked.item<long>();
            var unbiased = variance.detach() * (n / (n - 1)).detach();
            running_mean.mul_(1 - factor).add_((meanShift.detach() + runningMean) * factor);
            running_var!.mul_(1 - factor).add_(unbiased * factor);
        }
        return output;
    }
}
