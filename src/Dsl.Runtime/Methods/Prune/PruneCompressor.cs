using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Prune;

/// <summary>@prune: each convolution or linear it reaches computes with its magnitude-masked weight.</summary>
public sealed class PruneCompressor(double amount) : Compressor
{
    public override nn.Module<Tensor, Tensor> Layer(nn.Module<Tensor, Tensor> layer) =>
        LowBitLayer.Of(layer, _ => new MagnitudeMask(amount), null);
}
