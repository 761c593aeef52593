using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Dynamic;

/// <summary>@dynamic: the convolutions it reaches become <see cref="SlimmableConv2d"/>s, its BatchNorms <see cref="SwitchableNorm"/>s, each with its own copy of the widths.</summary>
public sealed class DynamicCompressor : LowBit.Compressor
{
    private readonly double[] _widths;
    private readonly string _slim;
    private readonly IReadOnlyList<InputPart>? _inputParts;

    public DynamicCompressor(double[] widths, string slim, IReadOnlyList<InputPart>? inputParts = null)
    {
        _ = new DynamicWidths(widths);
        (_widths, _slim, _inputParts) = (widths, slim, inputParts);
    }

    /// <summary>The same conversion for a convolution that reads a concatenation of these parts.</summary>
    public DynamicCompressor WithInputParts(IReadOnlyList<InputPart> parts) => new(_widths, _slim, parts);

    public override nn.Module<Tensor, Tensor> Layer(nn.Module<Tensor, Tensor> layer) =>
        new SlimmableConv2d(layer, new DynamicWidths(_widths), _slim is "both" or "inputs", _slim is "both" or "outputs", _inputParts);

    public override nn.Module<Tensor, Tensor> BatchNorm(long features, double eps, double momentum, bool affine) =>
        new SwitchableNorm(features, eps, momentum, affine, new DynamicWidths(_widths));
}
