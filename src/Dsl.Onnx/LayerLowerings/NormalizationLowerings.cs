using System.Collections.Generic;
using Dsl.Onnx.Lowering;
using static TorchSharp.torch;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>Normalizations in inference form: BatchNorm with its running statistics, LayerNorm over the last axis, InstanceNorm per sample.</summary>
internal static class NormalizationLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("batch_norm", BatchNorm),
        new LayerLowering("layer_norm", LayerNorm),
        new LayerLowering("instance_norm", InstanceNorm),
        new LayerLowering("group_norm", GroupNorm),
    };

    private static string BatchNorm(LayerContext c)
    {
        var features = c.Long("num_features", 0);
        var (scale, bias) = Affine(c, features);
        return c.Node("BatchNormalization",
            new[] { c.Input, scale, bias, c.Initializer("running_mean", c.Tensor("running_mean")), c.Initializer("running_var", c.Tensor("running_var")) },
            OnnxAttribute.Float("epsilon", c.Real("eps", 1e-5)));
    }

    private static string LayerNorm(LayerContext c)
    {
        var features = c.Long("normalized_shape", 0);
        var weight = c.OptionalTensor("weight");
        var bias = c.OptionalTensor("bias");
        return c.Node("LayerNormalization",
            new[] { c.Input, c.Initializer("weight", weight ?? ones(features)), c.Initializer("bias", bias ?? zeros(features)) },
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", c.Real("eps", 1e-5)));
    }

    private static string InstanceNorm(LayerContext c)
    {
        var (scale, bias) = Affine(c, c.Long("num_features", 0));
        return c.Node("InstanceNormalization", new[] { c.Input, scale, bias }, OnnxAttribute.Float("epsilon", c.Real("eps", 1e-5)));
    }

    // Opset 17 has no GroupNormalization: each group is one instance-normalized channel of [N, G, rest].
    private static string GroupNorm(LayerContext c)
    {
        var (channels, groups) = (c.Long("num_channels", 0), c.Long("groups", 1));
        var grouped = c.Node("Reshape", new[] { c.Input, c.Graph.Longs(0, groups, -1) });
        var normalized = c.Node("InstanceNormalization",
            new[] { grouped, c.Initializer("group_scale", ones(groups)), c.Initializer("group_bias", zeros(groups)) },
            OnnxAttribute.Float("epsilon", c.Real("eps", 1e-5)));
        var shape = c.Node("Shape", new[] { c.Input });
        var restored = c.Node("Reshape", new[] { normalized, shape });
        if (!c.Flag("affine", true)) return restored;
        var perChannel = PerChannelShape(c.InputRank, channels);
        var weight = c.Initializer("weight", c.Tensor("weight").reshape(perChannel));
        var bias = c.Initializer("bias", c.Tensor("bias").reshape(perChannel));
        return c.Node("Add", new[] { c.Node("Mul", new[] { restored, weight }), bias });
    }

    /// <summary>[1, C, 1, ...] for a per-channel tensor broadcast over an input of <paramref name="rank"/> axes.</summary>
    public static long[] PerChannelShape(int rank, long channels)
    {
        var shape = new long[rank];
        System.Array.Fill(shape, 1L);
        shape[1] = channels;
        return shape;
    }

    private static (string Scale, string Bias) Affine(LayerContext c, long features)
    {
        var weight = c.OptionalTensor("weight");
        var bias = c.OptionalTensor("bias");
        return (c.Initializer("weight", weight ?? ones(features)), c.Initializer("bias", bias ?? zeros(features)));
    }
}
