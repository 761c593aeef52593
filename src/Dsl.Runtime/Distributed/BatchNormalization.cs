using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Distributed;

/// <summary>
/// Batch normalization as every BatchNorm of the runtime computes it (the plain layer and the
/// switchable ones of @multibit and @dynamic): LibTorch's, or in training across the ranks of a
/// data-parallel run, with the whole batch's mean and variance (PyTorch's SyncBatchNorm).
/// </summary>
internal static class BatchNormalization
{
    /// <param name="momentum">The running statistics' update factor for this step.</param>
    /// <param name="replicas">The ranks whose shards make up the batch, or null for this rank's alone.</param>
    public static Tensor Apply(Tensor input, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias, bool training, double momentum, double eps,
        Communicator? replicas)
    {
        if (!training || replicas is not { Size: > 1 })
            return nn.functional.batch_norm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
        var features = runningMean.shape[0];
        var axes = Enumerable.Range(0, (int)input.dim()).Where(a => a != 1).Select(a => (long)a).ToArray();
        var shape = Enumerable.Repeat(1L, (int)input.dim()).ToArray();
        shape[1] = features;
        // Sums around the running mean (the same on every rank) keep E[x²] − E[x]² accurate in one reduction.
        using var shift = runningMean.detach().clone();
        var centred = input - shift.view(shape);
        var count = full(new long[] { 1 }, input.numel() / features, dtype: input.dtype, device: input.device);
        var total = ReplicaSum.apply(cat(new[] { centred.sum(axes), centred.square().sum(axes), count }), replicas);
        var n = total[-1];
        var meanShift = total.narrow(0, 0, features) / n;
        var variance = total.narrow(0, features, features) / n - meanShift.square();
        var output = (centred - meanShift.view(shape)) * (variance + eps).rsqrt().view(shape);
        if (weight is not null) output = output * weight.view(shape) + bias!.view(shape);
        using (no_grad())
        {
            // As LibTorch: the running variance is the unbiased one.
            runningMean.mul_(1 - momentum).add_((meanShift.detach() + shift) * momentum);
            runningVar.mul_(1 - momentum).add_(variance.detach() * (n / (n - 1)).detach() * momentum);
        }
        return output;
    }
}
