using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// A binarized 2-d convolution (groups 1, dilation 1) for inference on packed signs: each input
/// pixel's channel signs and each weight position's signs 64 to a word, the dot product of ±1
/// vectors counted as positions·C − 2·popcount(a XOR w) (zero padding contributes nothing, as in
/// the float layer), then scaled per output channel by α and shifted by the bias.
/// </summary>
public sealed class PackedBinaryConv2d : PackedBinaryLayer
{
    private readonly int _outputs;
    private readonly int _padded;
    private readonly int _channels;
    private readonly int _words;
    private readonly (int H, int W) _kernel;
    private readonly (int H, int W) _stride;
    private readonly (int H, int W) _padding;
    // [ky, kx, word, output (padded to 8)]: one word of 8 outputs side by side for the vector loop.
    private readonly ulong[] _weights;

    /// <param name="signs">The weight's signs as ±1 (or any values whose sign is the weight's), [O, C, kh, kw].</param>
    /// <param name="alpha">The per-output-channel scale the binarized weight carries, [O].</param>
    public PackedBinaryConv2d(Tensor signs, Tensor alpha, Tensor? bias, (long H, long W) stride, (long H, long W) padding, XnorIsa? isa = null)
        : base(signs, alpha, bias, isa, scaledInput: null)
    {
        if (signs.dim() != 4) throw new ArgumentException($"a convolution's weight is [O, C, kh, kw], not [{string.Join(", ", signs.shape)}]", nameof(signs));
        (_outputs, _channels) = ((int)signs.shape[0], (int)signs.shape[1]);
        _kernel = ((int)signs.shape[2], (int)signs.shape[3]);
        (_stride, _padding) = (((int)stride.H, (int)stride.W), ((int)padding.H, (int)padding.W));
        _words = SignPacking.Words(_channels);
        _padded = (_outputs + 7) / 8 * 8;
        var perOutput = SignPacking.Pack(signs, channelAxis: 1);
        var positions = _kernel.H * _kernel.W;
        _weights = new ulong[positions * _words * _padded];
        for (var o = 0; o < _outputs; o++)
        {
            for (var p = 0; p < positions; p++)
            {
                for (var w = 0; w < _words; w++) _weights[(p * _words + w) * _padded + o] = perOutput[((long)o * positions + p) * _words + w];
            }
        }
    }

    /// <summary>[N, O, OH, OW]: with unit scales and no shift, what conv2d(sign(x), sign(w)) computes, exactly.</summary>
    protected override Tensor Compute(Tensor signsSource, float[] scale, float[] shift)
    {
        if (signsSource.dim() != 4 || signsSource.shape[1] != _channels)
            throw new ArgumentException($"the layer takes [N, {_channels}, H, W], not [{string.Join(", ", signsSource.shape)}]", nameof(signsSource));
        var (n, h, w) = ((int)signsSource.shape[0], (int)signsSource.shape[2], (int)signsSource.shape[3]);
        var (oh, ow) = ((h + 2 * _padding.H - _kernel.H) / _stride.H + 1, (w + 2 * _padding.W - _kernel.W) / _stride.W + 1);
        var input = SignPacking.Pack(signsSource, channelAxis: 1);
        var result = empty(n, _outputs, oh, ow);
        {
            var output = TensorMemory.Address(result);
            Parallel.For(0, n * oh, row => Row(input, output, scale, shift, row / oh, row % oh, h, w, oh, ow));
        }
        return result;
    }

    // One output row of one sample: for each pixel the kernel positions inside the image, then the counts.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Row(ulong[] input, nint output, float[] scale, float[] shift, int sample, int oy, int h, int w, int oh, int ow)
    {
        var inputOffsets = new int[_kernel.H * _kernel.W];
        var weightOffsets = new int[_kernel.H * _kernel.W];
        var counts = new ulong[_padded];
        for (var ox = 0; ox < ow; ox++)
        {
            var positions = 0;
            for (var ky = 0; ky < _kernel.H; ky++)
            {
                var iy = oy * _stride.H - _padding.H + ky;
                if (iy < 0 || iy >= h) continue;
                for (var kx = 0; kx < _kernel.W; kx++)
                {
                    var ix = ox * _stride.W - _padding.W + kx;
                    if (ix < 0 || ix >= w) continue;
                    inputOffsets[positions] = ((sample * h + iy) * w + ix) * _words;
                    weightOffsets[positions++] = (ky * _kernel.W + kx) * _words * _padded;
                }
            }
            XnorPopcount.Count(input, inputOffsets.AsSpan(0, positions), _weights, weightOffsets.AsSpan(0, positions), _words, _padded, counts, Isa);
            var total = positions * _channels;
            var y = (float*)output;
            for (var o = 0; o < _outputs; o++) y[(((long)sample * _outputs + o) * oh + oy) * ow + ox] = scale[o] * (total - 2 * (long)counts[o]) + shift[o];
        }
    }

}
