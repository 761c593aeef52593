using System;
using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>Element-wise layers; dropout and stochastic depth are the identity at inference.</summary>
internal static class ActivationLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("relu", c => c.Node("Relu", new[] { c.Input })),
        new LayerLowering("relu6", c => Clip(c, 0, 6)),
        new LayerLowering("hardtanh", c => Clip(c, c.Real("min_val", -1), c.Real("max_val", 1))),
        new LayerLowering("hardswish", c => c.Node("HardSwish", new[] { c.Input })),
        new LayerLowering("leaky_relu", c => c.Node("LeakyRelu", new[] { c.Input }, OnnxAttribute.Float("alpha", c.Real("negative_slope", 0.01)))),
        new LayerLowering("gelu", c => Gelu(c, c.Input, c.Word("approximate", "none"))),
        new LayerLowering("silu", c => c.Node("Mul", new[] { c.Input, c.Node("Sigmoid", new[] { c.Input }) })),
        new LayerLowering("sigmoid", c => c.Node("Sigmoid", new[] { c.Input })),
        new LayerLowering("tanh", c => c.Node("Tanh", new[] { c.Input })),
        new LayerLowering("softmax", c => c.Node("Softmax", new[] { c.Input }, OnnxAttribute.Int("axis", c.Long("dim", -1)))),
        new LayerLowering(new[] { "dropout", "drop_path" }, c => c.Node("Identity", new[] { c.Input })),
        new LayerLowering("prelu", Prelu),
        new LayerLowering("learnable_bias", LearnableBias),
    };

    public static string Clip(LayerContext c, double min, double max) =>
        c.Node("Clip", new[] { c.Input, c.Graph.Float(min), c.Graph.Float(max) });

    /// <summary>GELU as x·Φ(x) with Φ through Erf (opset 17 has no Gelu), or its tanh approximation.</summary>
    public static string Gelu(LayerContext c, string x, string approximate)
    {
        var g = c.Graph;
        if (approximate == "tanh")
        {
            var cube = c.Node("Mul", new[] { x, c.Node("Mul", new[] { x, x }) });
            var inner = c.Node("Mul", new[] { c.Node("Add", new[] { x, c.Node("Mul", new[] { cube, g.Float(0.044715) }) }), g.Float(Math.Sqrt(2 / Math.PI)) });
            var half = c.Node("Mul", new[] { x, g.Float(0.5) });
            return c.Node("Mul", new[] { half, c.Node("Add", new[] { c.Node("Tanh", new[] { inner }), g.Float(1) }) });
        }
        var erf = c.Node("Erf", new[] { c.Node("Div", new[] { x, g.Float(Math.Sqrt(2)) }) });
        return c.Node("Mul", new[] { c.Node("Mul", new[] { x, g.Float(0.5) }), c.Node("Add", new[] { erf, g.Float(1) }) });
    }

    // ONNX broadcasts PRelu's slope from the right: a per-channel slope becomes [C, 1, ...].
    private static string Prelu(LayerContext c)
    {
        var weight = c.Tensor("weight");
        var slope = weight.numel() == 1 ? weight.reshape(1) : weight.reshape(NormalizationLowerings.PerChannelShape(c.InputRank, weight.numel())[1..]);
        return c.Node("PRelu", new[] { c.Input, c.Initializer("weight", slope) });
    }

    private static string LearnableBias(LayerContext c)
    {
        var bias = c.Tensor("bias");
        return c.Node("Add", new[] { c.Input, c.Initializer("bias", bias.reshape(NormalizationLowerings.PerChannelShape(c.InputRank, bias.numel()))) });
    }
}
