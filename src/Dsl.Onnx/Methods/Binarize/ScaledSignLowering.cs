using System;
using Dsl.Onnx.Lowering;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Onnx.Methods.Binarize;

/// <summary>
/// Bi-ViT's scaled sign: (sign(x / α + z) − z)·α with the learned scale α and offset z, one per
/// tensor or one per attention head (axis 1 of [N, heads, tokens, d]).
/// </summary>
internal sealed class ScaledSignLowering : TransformLowering<ScaledSignActivation>
{
    protected override string Activation(LayerContext c, ScaledSignActivation module, string input)
    {
        var alpha = Shaped(c.Tensor("alpha", module).detach(), module.ScaleAxis);
        var offset = Shaped(c.Tensor("offset", module).detach(), module.ScaleAxis);
        var (a, z) = (c.Initializer("alpha", alpha), c.Initializer("offset", offset));
        var binary = SignLowering.Binary(c, c.Node("Add", new[] { c.Node("Div", new[] { input, a }), z }));
        return c.Node("Mul", new[] { c.Node("Sub", new[] { binary, z }), a });
    }

    // Per head on [N, heads, tokens, d]: [heads, 1, 1] broadcasts from the right.
    private static Tensor Shaped(Tensor t, long? axis) => axis is null || t.numel() == 1
        ? t.reshape(Array.Empty<long>())
        : t.reshape(t.numel(), 1, 1);
}
