using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx.Lowering;

/// <summary>
/// How a compression method's runtime transform (a quantizer, a sign, a mask) is written in ONNX,
/// on an activation or on a weight; each method's folder registers its own.
/// </summary>
internal interface ITransformLowering
{
    /// <summary>The runtime module type this lowers.</summary>
    Type Module { get; }

    /// <summary>The transform applied to the activation <paramref name="input"/>; returns its output.</summary>
    string Activation(LayerContext c, nn.Module<Tensor, Tensor> module, string input);

    /// <summary>The transform applied to a weight whose output channels lie on <paramref name="outputAxis"/>.</summary>
    WeightValue Weight(LayerContext c, nn.Module<Tensor, Tensor> module, WeightValue weight, long outputAxis);
}
