using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// A binarized layer computed on packed signs (XNOR and popcount): the integer dot products of the
/// input's and the weight's signs, scaled per output by the weight's α, with the input's own scale
/// and offset where its sign carries them (Bi-ViT: x̂ = a·(sign(x / a + z) − z)), and the bias.
/// </summary>
public abstract class PackedBinaryLayer
{
    private readonly Tensor _alpha;
    private readonly Tensor? _bias;

    protected PackedBinaryLayer(Tensor alpha, Tensor? bias, XnorIsa? isa)
    {
        _alpha = alpha.detach().cpu().to_type(ScalarType.Float32).flatten().clone();
        _bias = bias?.detach().cpu().to_type(ScalarType.Float32).flatten().clone();
        Isa = isa ?? XnorPopcount.Best;
        if (Isa == XnorIsa.Avx512 && XnorPopcount.Best != XnorIsa.Avx512 || Isa == XnorIsa.Avx2 && XnorPopcount.Best == XnorIsa.Scalar)
            throw new PlatformNotSupportedException($"this CPU does not run the {Isa} kernel; it runs {XnorPopcount.Best}");
    }

    /// <summary>The instruction set the layer counts bits with.</summary>
    public XnorIsa Isa { get; }

    /// <summary>How the layer's input becomes signs: the plain sign (null), or Bi-ViT's scaled sign with its scale a and offset z.</summary>
    public (double Scale, double Offset)? ScaledInput { get; init; }

    /// <summary>For a scaled input: each output's sum of weight signs, which the offset z multiplies.</summary>
    public Tensor? WeightSignSums { get; init; }

    /// <summary>The integer dot products of the signs of <paramref name="signsSource"/> with the weight's signs.</summary>
    public abstract Tensor Dots(Tensor signsSource);

    /// <summary>The axis of the output's channels (1 for [N, O, H, W], −1 for [..., O]).</summary>
    protected abstract long OutputAxis { get; }

    /// <summary>The layer's output for input <paramref name="x"/>, as the float binarized layer computes it.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var input = x.detach().cpu();
        Tensor result;
        if (ScaledInput is { } scaled)
        {
            var dots = Dots(input / scaled.Scale + scaled.Offset);
            result = (dots - scaled.Offset * PerOutput(WeightSignSums!, dots)) * (scaled.Scale * PerOutput(_alpha, dots));
        }
        else
        {
            var dots = Dots(input);
            result = dots * PerOutput(_alpha, dots);
        }
        if (_bias is not null) result = result + PerOutput(_bias, result);
        return result.to(x.device).MoveToOuterDisposeScope();
    }

    private Tensor PerOutput(Tensor values, Tensor like)
    {
        if (OutputAxis < 0) return values;
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[OutputAxis] = values.numel();
        return values.reshape(shape);
    }
}
