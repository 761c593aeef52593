using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Runtime.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Distributed;

/// <summary>
/// What the trainer does across ranks: one state for all to start from, the batch statistics
/// of the methods' modules reduced over the ranks, and each step's gradients averaged over the
/// ranks in buckets of a few megabytes, as PyTorch DDP does.
/// </summary>
public sealed class DataParallel
{
    private readonly long _bucketBytes;

    public DataParallel(Communicator replicas, double bucketMegabytes = 25)
    {
        if (bucketMegabytes <= 0) throw new ArgumentOutOfRangeException(nameof(bucketMegabytes), bucketMegabytes, "a bucket holds some megabytes");
        Replicas = replicas;
        _bucketBytes = (long)(bucketMegabytes * (1 << 20));
    }

    public Communicator Replicas { get; }

    public Shard Shard => new(Replicas.Rank, Replicas.Size);

    /// <summary>Hands the ranks to the modules that take batch statistics (BatchNorm only if <paramref name="syncBatchNorm"/>), or takes them back (null).</summary>
    public static void ReduceStatistics(nn.Module model, Communicator? replicas, bool syncBatchNorm)
    {
        foreach (var module in model.modules().Prepend(model).OfType<IBatchStatistics>())
            module.ReduceOver(!module.OnRequest || syncBatchNorm ? replicas : null);
    }

    /// <summary>Rank 0's parameters and buffers, copied into every rank's <paramref name="model"/>.</summary>
    public void BroadcastState(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (_, tensor) in model.state_dict()) Replicas.Broadcast(tensor);
    }

    /// <summary>Rank 0's buffers (BatchNorm's running statistics when they are not synchronised) on every rank.</summary>
    public void BroadcastBuffers(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (_, buffer) in model.named_buffers()) Replicas.Broadcast(buffer);
    }

    /// <summary>
    /// The weight of a rank's loss on its <paramref name="share"/> of the global batch: K · share,
    /// 1 when the ranks' shares are equal. The ranks' average of the gradients is then the whole
    /// batch's, through every path: a loss term each rank adds in full (a cost term, a decay in a
    /// custom backward) averages to itself, and the sums SyncBatchNorm reduces in its backward
    /// carry K times the whole batch's gradient, which the average divides out.
    /// </summary>
    public double LossWeight(double share) => share * Replicas.Size;

    /// <summary>
    /// Replaces <paramref name="parameters"/>' gradients by their average over the ranks, in
    /// place. A parameter no rank gave a gradient keeps none (the optimizer skips it, as in one
    /// process); one that some ranks did gets zeros from the others.
    /// </summary>
    public void AverageGradients(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var all = parameters.Where(p => p.requires_grad).ToList();
        var present = tensor(all.Select(p => p.grad is null ? 0f : 1f).ToArray());
        Replicas.AllReduce(present);
        var flags = present.data<float>().ToArray();
        var bucket = new List<Parameter>();
        long bytes = 0;
        for (var i = 0; i < all.Count; i++)
        {
            if (flags[i] == 0) continue;
            var p = all[i];
            if (p.grad is null) p.grad = zeros_like(p).DetachFromDisposeScope();
            bucket.Add(p);
            bytes += p.numel() * p.element_size();
            if (bytes >= _bucketBytes)
            {
                Average(bucket);
                (bucket, bytes) = (new List<Parameter>(), 0);
            }
        }
        if (bucket.Count > 0) Average(bucket);
    }

    private void Average(IReadOnlyList<Parameter> bucket)
    {
        using var flat = cat(bucket.Select(p => p.grad!.detach().flatten()).ToArray());
        Replicas.AllReduce(flat);
        flat.div_(Replicas.Size);
        long offset = 0;
        using var noGrad = no_grad();
        foreach (var p in bucket)
        {
            var n = p.numel();
            p.grad!.copy_(flat.narrow(0, offset, n).view_as(p.grad));
            offset += n;
        }
    }

    /// <summary>Sums of per-rank numbers (losses, counts) over the ranks.</summary>
    public double[] Sum(params double[] values)
    {
        using var sums = tensor(values);
        Replicas.AllReduce(sums);
        return sums.data<double>().ToArray();
    }

    /// <summary>
    /// Rank 0's copy of <paramref name="path"/> (whether it exists, and its bytes), in a file only
    /// this rank reads; null when rank 0 has none. So resuming needs no shared file system.
    /// </summary>
    public string? ShareFile(string path, string suffix)
    {
        var exists = Sum(Replicas.IsRoot && File.Exists(path) ? 1 : 0)[0] > 0;
        if (!exists) return null;
        var bytes = Replicas.Broadcast(Replicas.IsRoot ? File.ReadAllBytes(path) : Array.Empty<byte>());
        if (Replicas.IsRoot) return path;
        var copy = Path.Combine(Path.GetTempPath(), $"cmodel-rank{Replicas.Rank}-{Environment.ProcessId}{suffix}");
        File.WriteAllBytes(copy, bytes);
        return copy;
    }
}
