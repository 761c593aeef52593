using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// Several methods on one layer (@prune with @quant), in the order the compiler gives: each of
/// the weight's, the input's and attention's transforms passes through them in turn, so a
/// mask comes before the quantizer that sees what it keeps.
/// </summary>
public sealed class ComposedCompressor : Compressor
{
    private readonly IReadOnlyList<Compressor> _parts;

    public ComposedCompressor(IReadOnlyList<Compressor> parts)
    {
        if (parts.Count < 2) throw new System.ArgumentException("composing needs at least two compressors", nameof(parts));
        _parts = parts;
    }

    public override nn.Module<Tensor, Tensor>? WeightTransform(Tensor weight, long outputAxis) => Chain(_parts.Select(p => p.WeightTransform(weight, outputAxis)));

    public override nn.Module<Tensor, Tensor>? InputTransform() => Chain(_parts.Select(p => p.InputTransform()));

    public override nn.Module<Tensor, Tensor>? AttentionActivation(string role, long heads) => Chain(_parts.Select(p => p.AttentionActivation(role, heads)));

    public override bool QkNorm => _parts.Any(p => p.QkNorm);

    public override double? GeluClip => _parts.Select(p => p.GeluClip).FirstOrDefault(c => c != null);

    /// <summary>One transform as it is (its state keeps its name), several as a Sequential (named 0, 1, ...).</summary>
    private static nn.Module<Tensor, Tensor>? Chain(IEnumerable<nn.Module<Tensor, Tensor>?> transforms)
    {
        var present = transforms.OfType<nn.Module<Tensor, Tensor>>().ToList();
        return present.Count switch
        {
            0 => null,
            1 => present[0],
            _ => nn.Sequential(present),
        };
    }
}
