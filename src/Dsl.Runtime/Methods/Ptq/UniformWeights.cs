using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// Post-training weight quantization: per output channel, 2^b − 1 equal steps from the channel's
/// minimum to its maximum (asymmetric min-max), rounding straight through.
/// </summary>
public static class UniformWeights
{
    /// <summary><paramref name="weight"/> [out, ...] quantized to <paramref name="bits"/>, channel by channel along axis 0.</summary>
    public static Tensor Quantize(Tensor weight, long bits)
    {
        var flat = weight.flatten(1);
        var lower = flat.amin(new long[] { 1 }, keepdim: true).detach();
        var upper = flat.amax(new long[] { 1 }, keepdim: true).detach();
        var step = ((upper - lower) / ((1L << (int)bits) - 1)).clamp_min(1e-12);
        var q = Ste.Round((flat - lower) / step);
        return (q * step + lower).reshape(weight.shape);
    }
}
