using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// A binarized layer computed on packed signs (XNOR and popcount): the integer dot products of the
/// input's and the weight's signs, then per output an affine epilogue written straight into the
/// output: y = scale·dot + shift, where scale is the weight's α (times the input's scale a for
/// Bi-ViT's x̂ = a·(sign(x / a + z) − z)) and shift the bias (less a·α·z·Σ sign(w) for Bi-ViT).
/// </summary>
public abstract class PackedBinaryLayer
{
    private readonly float[] _scale;
    private readonly float[] _shift;
    private readonly (double Scale, double Offset)? _scaledInput;

    /// <param name="signs">The weight (any values whose signs are the binarized weight's), outputs on axis 0.</param>
    /// <param name="alpha">The per-output scale the binarized weight carries.</param>
    /// <param name="scaledInput">Bi-ViT's scaled sign on the input, (a, z); null for the plain sign.</param>
    protected PackedBinaryLayer(Tensor signs, Tensor alpha, Tensor? bias, XnorIsa? isa, (double Scale, double Offset)? scaledInput)
    {
        Isa = isa ?? XnorPopcount.Best;
        if (Isa > XnorPopcount.Best) throw new PlatformNotSupportedException($"this CPU does not run the {Isa} kernel; it runs {XnorPopcount.Best}");
        _scaledInput = scaledInput;
        using var scope = NewDisposeScope();
        var outputs = signs.shape[0];
        var a = alpha.detach().cpu().to_type(ScalarType.Float64).flatten();
        var b = bias?.detach().cpu().to_type(ScalarType.Float64).flatten() ?? zeros(outputs, dtype: ScalarType.Float64);
        var scale = a;
        var shift = b;
        if (scaledInput is { } s)
        {
            var signSums = where(signs.detach().cpu() >= 0, 1.0, -1.0).to_type(ScalarType.Float64).reshape(outputs, -1).sum(1);
            scale = a * s.Scale;
            shift = b - scale * s.Offset * signSums;
        }
        _scale = scale.to_type(ScalarType.Float32).data<float>().ToArray();
        _shift = shift.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>The instruction set the layer counts bits with.</summary>
    public XnorIsa Isa { get; }

    /// <summary>The integer dot products of the signs of <paramref name="signsSource"/> with the weight's signs (as float, exactly).</summary>
    public Tensor Dots(Tensor signsSource)
    {
        var outputs = _scale.Length;
        return Compute(signsSource, Enumerable.Repeat(1f, outputs).ToArray(), new float[outputs]);
    }

    /// <summary>The layer's output for input <paramref name="x"/>, as the float binarized layer computes it.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var input = _scaledInput is { } s ? x.detach().cpu() / s.Scale + s.Offset : x.detach().cpu();
        return Compute(input, _scale, _shift).to(x.device).MoveToOuterDisposeScope();
    }

    /// <summary>scale[o]·dot + shift[o] for every output of the signs of <paramref name="signsSource"/>.</summary>
    protected abstract Tensor Compute(Tensor signsSource, float[] scale, float[] shift);
}
