using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Sparse;

/// <summary>@sparse: each convolution and linear it reaches computes with its N:M-masked weight (<see cref="NmSparsity"/>).</summary>
public sealed class SparseCompressor(long n, long m, string method, long interval, long candidates, double decay) : Compressor
{
    public override nn.Module<Tensor, Tensor>? WeightTransform(Tensor weight, long outputAxis) =>
        outputAxis == 0
            ? new NmSparsity(weight, n, m, method, interval, candidates, decay)
            : throw new System.NotSupportedException("N:M sparsity runs along a weight's reduced dimension, which a transposed convolution does not lay out");
}
