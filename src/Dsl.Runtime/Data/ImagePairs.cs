using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Images of two domains for translation, in [−1, 1] (a generator's tanh range): paired
/// (<see cref="Paired"/>: Sources[i] is translated to Targets[i], Pix2Pix) or unpaired (CycleGAN:
/// the two sets are sampled independently and may differ in size).
/// </summary>
public sealed class ImagePairs : IDisposable
{
    public ImagePairs(Tensor sources, Tensor targets, bool paired, string source)
    {
        if (sources.dim() != 4 || targets.dim() != 4) throw new ArgumentException("image sets are [N, C, H, W]");
        if (paired && sources.shape[0] != targets.shape[0])
            throw new ArgumentException($"paired sets have one target per source, but there are {sources.shape[0]} sources and {targets.shape[0]} targets");
        (Sources, Targets, Paired, Source) = (sources, targets, paired, source);
    }

    public Tensor Sources { get; }
    public Tensor Targets { get; }
    public bool Paired { get; }
    public string Source { get; }

    public long Count => Math.Max(Sources.shape[0], Targets.shape[0]);

    /// <summary>Batches for one epoch: paired sets shuffled together; unpaired ones each by its own permutation, the shorter one repeating.</summary>
    public System.Collections.Generic.IEnumerable<(Tensor Source, Tensor Target)> Batches(int batchSize, long seed, Device device)
    {
        // The orders are plain arrays: each batch is made in its consumer's dispose scope, which ends before the next.
        long[] order, other;
        using (var generator = new Generator((ulong)seed))
        {
            using var first = randperm(Sources.shape[0], generator: generator);
            order = first.data<long>().ToArray();
            using var second = Paired ? null : randperm(Targets.shape[0], generator: generator);
            other = second is null ? order : second.data<long>().ToArray();
        }
        for (long start = 0; start + batchSize <= Count; start += batchSize)
        {
            var a = Pick(Sources, order, start, batchSize).to(device);
            var b = Pick(Targets, other, start, batchSize).to(device);
            yield return (a, b);
        }
    }

    private static Tensor Pick(Tensor images, long[] order, long start, int count)
    {
        var index = new long[count];
        for (var i = 0; i < count; i++) index[i] = order[(start + i) % order.Length];
        using var at = tensor(index);
        return images.index_select(0, at);
    }

    public void Dispose()
    {
        Sources.Dispose();
        Targets.Dispose();
    }
}
