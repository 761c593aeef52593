using System;
using System.Linq;
using System.Runtime.CompilerServices;
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

    /// <param name="scaledInput">Bi-ViT's scaled sign on the input, (a, z); null for the plain sign.</param>
    public PackedBinaryLinear(Tensor signs, Tensor alpha, Tensor? bias, XnorIsa? isa = null, (double Scale, double Offset)? scaledInput = null)
        : base(signs, alpha, bias, isa, scaledInput)
    {
        if (signs.dim() != 2) throw new ArgumentException($"a linear layer's weight is [O, F], not [{string.Join(", ", signs.shape)}]", nameof(signs));
        (_outputs, _features) = ((int)signs.shape[0], (int)signs.shape[1]);
        _words = SignPacking.Words(_features);
        _padded = (_outputs + 7) / 8 * 8;
        var perOutput = SignPacking.Pack(signs, channelAxis: 1);
        _weights = new ulong[_words * _padded];
        for (var o = 0; o < _outputs; o++)
        {
            for (var w = 0; w < _words; w++) _weights[w * _padded + o] = perOutput[(long)o * _words + w];
        }
    }

    /// <summary>[..., O]: with unit scales and no shift, what linear(sign(x), sign(w)) computes, exactly.</summary>
    protected override Tensor Compute(Tensor signsSource, float[] scale, float[] shift)
    {
        if (signsSource.shape[^1] != _features)
            throw new ArgumentException($"the layer takes [..., {_features}], not [{string.Join(", ", signsSource.shape)}]", nameof(signsSource));
        var leading = signsSource.shape[..^1];
        var rows = (int)leading.Aggregate(1L, (a, b) => a * b);
        var input = SignPacking.Pack(signsSource.reshape(rows, _features), channelAxis: 1);
        var result = empty(leading.Append(_outputs).ToArray());
        {
            var output = TensorMemory.Address(result);
            Parallel.For(0, (rows + RowsPerTask - 1) / RowsPerTask, task => Rows(input, output, scale, shift, task * RowsPerTask, Math.Min(rows, (task + 1) * RowsPerTask)));
        }
        return result;
    }

    private const int RowsPerTask = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Rows(ulong[] input, nint output, float[] scale, float[] shift, int first, int end)
    {
        var inputOffset = new int[1];
        var weightOffset = new int[1];
        var counts = new ulong[_padded];
        for (var row = first; row < end; row++)
        {
            inputOffset[0] = row * _words;
            XnorPopcount.Count(input, inputOffset, _weights, weightOffset, _words, _padded, counts, Isa);
            var y = (float*)output;
            for (var o = 0; o < _outputs; o++) y[(long)row * _outputs + o] = scale[o] * (_features - 2 * (long)counts[o]) + shift[o];
        }
    }

}
