using System;
using System.Runtime.InteropServices;
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
        : base(alpha, bias, isa)
    {
        if (signs.dim() != 4) throw new ArgumentException($"a convolution's weight is [O, C, kh, kw], not [{string.Join(", ", signs.shape)}]", nameof(signs));
        (_outputs, _channels) = ((int)signs.shape[0], (int)signs.shape[1]);
        _kernel = ((int)signs.shape[2], (int)signs.shape[3]);
        (_stride, _padding) = (((int)stride.H, (int)stride.W), ((int)padding.H, (int)padding.W));
        _words = SignPacking.Words(_channels);
        _padded = (_outputs + 7) / 8 * 8;
        using var cpu = signs.detach().cpu().to_type(ScalarType.Float32).contiguous();
        // Pack each output's [C, kh·kw] signs channels-last, then move the outputs innermost.
        var perOutput = SignPacking.ChannelsLast(MemoryMarshal.Cast<byte, float>(cpu.bytes), _outputs, _channels, _kernel.H * _kernel.W);
        _weights = new ulong[_kernel.H * _kernel.W * _words * _padded];
        for (var o = 0; o < _outputs; o++)
        {
            for (var p = 0; p < _kernel.H * _kernel.W; p++)
            {
                for (var w = 0; w < _words; w++) _weights[(p * _words + w) * _padded + o] = perOutput[((long)o * _kernel.H * _kernel.W + p) * _words + w];
            }
        }
    }

    /// <summary>
    /// The integer dot products of the input's signs with the weight's signs, [N, O, OH, OW]: what
    /// conv2d(sign(x), sign(w)) computes, exactly.
    /// </summary>
    public override Tensor Dots(Tensor signsSource)
    {
        if (signsSource.dim() != 4 || signsSource.shape[1] != _channels)
            throw new ArgumentException($"the layer takes [N, {_channels}, H, W], not [{string.Join(", ", signsSource.shape)}]", nameof(signsSource));
        var (n, h, w) = ((int)signsSource.shape[0], (int)signsSource.shape[2], (int)signsSource.shape[3]);
        var (oh, ow) = ((h + 2 * _padding.H - _kernel.H) / _stride.H + 1, (w + 2 * _padding.W - _kernel.W) / _stride.W + 1);
        ulong[] input;
        using (var cpu = signsSource.detach().cpu().to_type(ScalarType.Float32).contiguous())
        {
            input = SignPacking.ChannelsLast(MemoryMarshal.Cast<byte, float>(cpu.bytes), n, _channels, h * w);
        }
        var output = new float[(long)n * _outputs * oh * ow];
        Parallel.For(0, n * oh, row =>
        {
            var (sample, oy) = (row / oh, row % oh);
            var counts = new ulong[_padded];
            for (var ox = 0; ox < ow; ox++)
            {
                Array.Clear(counts);
                var positions = 0;
                for (var ky = 0; ky < _kernel.H; ky++)
                {
                    var iy = oy * _stride.H - _padding.H + ky;
                    if (iy < 0 || iy >= h) continue;
                    for (var kx = 0; kx < _kernel.W; kx++)
                    {
                        var ix = ox * _stride.W - _padding.W + kx;
                        if (ix < 0 || ix >= w) continue;
                        positions++;
                        var pixel = (((long)sample * h + iy) * w + ix) * _words;
                        var position = (ky * _kernel.W + kx) * _words;
                        for (var word = 0; word < _words; word++)
                        {
                            XnorPopcount.Accumulate(input[pixel + word], _weights.AsSpan((position + word) * _padded, _padded), counts, Isa);
                        }
                    }
                }
                var total = positions * _channels;
                for (var o = 0; o < _outputs; o++) output[(((long)sample * _outputs + o) * oh + oy) * ow + ox] = total - 2 * (long)counts[o];
            }
        });
        return tensor(output, new long[] { n, _outputs, oh, ow });
    }

    protected override long OutputAxis => 1;
}
