using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Prune;

/// <summary>@prune: each convolution or linear it reaches computes with its magnitude-masked weight.</summary>
public sealed class PruneCompressor(double amount) : Compressor
{
    public override nn.Module<Tensor, Tensor>? WeightTransform(Tensor weight, long outputAxis) => new MagnitudeMask(amount);
}
