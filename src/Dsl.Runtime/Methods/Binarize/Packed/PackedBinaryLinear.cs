using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// A binarized linear layer for inference on packed signs: each input row's feature signs and each
/// output's weight signs 64 to a word, dot = F − 2·popcount(a XOR w), then α per output and the bias.
/// Leading dimensions ([N, L, F]) are kept.
/// </summary>
public sealed class PackedBinaryLinear : PackedBinaryLayer
{
    private readonly int _outputs;
    private readonly int _padded;
    private readonly int _features;
    private readonly int _words;
    // [word, output (padded to 8)].
    private readonly ulong[] _weights;

    public PackedBinaryLinear(Tensor signs, Tensor alpha, Tensor? bias, XnorIsa? isa = null) : base(alpha, bias, isa)
    {
        if (signs.dim() != 2) throw new ArgumentException($"a linear layer's weight is [O, F], not [{string.Join(", ", signs.shape)}]", nameof(signs));
        (_outputs, _features) = ((int)signs.shape[0], (int)signs.shape[1]);
        _words = SignPacking.Words(_features);
        _padded = (_outputs + 7) / 8 * 8;
        using var cpu = signs.detach().cpu().to_type(ScalarType.Float32).contiguous();
        var perOutput = SignPacking.ChannelsLast(MemoryMarshal.Cast<byte, float>(cpu.bytes), _outputs, _features, 1);
        _weights = new ulong[_words * _padded];
        for (var o = 0; o < _outputs; o++)
        {
            for (var w = 0; w < _words; w++) _weights[w * _padded + o] = perOutput[(long)o * _words + w];
        }
    }

    /// <summary>The integer dot products of the input rows' signs with each output's weight signs: what linear(sign(x), sign(w)) computes, exactly.</summary>
    public override Tensor Dots(Tensor signsSource)
    {
        if (signsSource.shape[^1] != _features)
            throw new ArgumentException($"the layer takes [..., {_features}], not [{string.Join(", ", signsSource.shape)}]", nameof(signsSource));
        var leading = signsSource.shape[..^1];
        var rows = (int)leading.Aggregate(1L, (a, b) => a * b);
        ulong[] input;
        using (var cpu = signsSource.detach().cpu().to_type(ScalarType.Float32).contiguous())
        {
            // Rows are the outer axis with the features inside: packing [rows, F, 1].
            input = SignPacking.ChannelsLast(MemoryMarshal.Cast<byte, float>(cpu.bytes), rows, _features, 1);
        }
        var output = new float[(long)rows * _outputs];
        Parallel.For(0, rows, row =>
        {
            var counts = new ulong[_padded];
            for (var word = 0; word < _words; word++)
            {
                XnorPopcount.Accumulate(input[(long)row * _words + word], _weights.AsSpan(word * _padded, _padded), counts, Isa);
            }
            for (var o = 0; o < _outputs; o++) output[(long)row * _outputs + o] = _features - 2 * (long)counts[o];
        });
        return tensor(output, leading.Append(_outputs).ToArray());
    }

    protected override long OutputAxis => -1;
}
