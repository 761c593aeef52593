using System;
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
        var generator = new Generator((ulong)seed);
        var count = Count;
        var order = randperm(Sources.shape[0], generator: generator);
        var other = Paired ? order : randperm(Targets.shape[0], generator: generator);
        for (long start = 0; start + batchSize <= count; start += batchSize)
        {
            var index = arange(start, start + batchSize);
            var a = Sources.index_select(0, order.index_select(0, index.remainder(order.shape[0]))).to(device);
            var b = Targets.index_select(0, other.index_select(0, index.remainder(other.shape[0]))).to(device);
            yield return (a, b);
        }
    }

    public void Dispose()
    {
        Sources.Dispose();
        Targets.Dispose();
    }
}
