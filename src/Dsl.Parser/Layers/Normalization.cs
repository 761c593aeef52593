using System.Collections.Generic;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>batch_norm and instance_norm: 1d/2d/3d chosen by the input's rank; channel dimension 1.</summary>
public sealed class ChannelNormSpec : LayerSpec
{
    private readonly bool _instance;

    private ChannelNormSpec(bool instance) => _instance = instance;

    public static ChannelNormSpec Batch { get; } = new(false);
    public static ChannelNormSpec Instance { get; } = new(true);

    public override string Name => _instance ? "instance_norm" : "batch_norm";
    public override string Family => "norm";

    public override IReadOnlyList<ParamSpec> Parameters => _instance ? InstanceParameters : BatchParameters;

    private static readonly ParamSpec[] BatchParameters =
    {
        ParamSpec.Float("eps", 1e-5, min: 0),
        ParamSpec.Float("momentum", 0.1, min: 0, max: 1),
        ParamSpec.Bool("affine", true),
    };

    private static readonly ParamSpec[] InstanceParameters =
    {
        ParamSpec.Float("eps", 1e-5, min: 0),
        ParamSpec.Float("momentum", 0.1, min: 0, max: 1),
        ParamSpec.Bool("affine", false),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        var min = _instance ? 3 : 2;
        if (!b.RequireRank(min, 5, _instance ? "[N, C, L], [N, C, H, W] or [N, C, D, H, W]" : "[N, C], [N, C, L], [N, C, H, W] or [N, C, D, H, W]")) return null;
        var channels = Size.Of(b.Input[1]);
        b.Infer("num_features", channels);
        b.Infer("dims", System.Math.Max(1, b.Input.Rank - 2));
        return new LayerResult(b.Input, 0, b.Bool("affine") ? 2 * channels.Value : 0);
    }
}

/// <summary>layer_norm over the last dimension.</summary>
public sealed class LayerNormSpec : LayerSpec
{
    public override string Name => "layer_norm";
    public override string Family => "norm";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Float("eps", 1e-5, min: 0),
        ParamSpec.Bool("affine", true),
        ParamSpec.Bool("bias", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(2, 8, "[N, *, features]")) return null;
        var features = Size.Of(b.Input.Last);
        b.Infer("normalized_shape", features);
        var parameters = b.Bool("affine") ? features.Value * (b.Bool("bias") ? 2 : 1) : 0;
        return new LayerResult(b.Input, 0, parameters);
    }
}

/// <summary>group_norm(groups): channel dimension 1 split into groups.</summary>
public sealed class GroupNormSpec : LayerSpec
{
    public override string Name => "group_norm";
    public override string Family => "norm";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("groups", ArgKind.Int, min: 1),
        ParamSpec.Float("eps", 1e-5, min: 0),
        ParamSpec.Bool("affine", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(2, 5, "[N, C, *]")) return null;
        var channels = Size.Of(b.Input[1]);
        if (channels.Value % b.Int("groups") != 0)
        {
            b.NotDivisible($"group_norm groups ({b.Int("groups")}) must divide the channels ({channels.Value})");
            return null;
        }
        b.Infer("num_channels", channels);
        return new LayerResult(b.Input, 0, b.Bool("affine") ? 2 * channels.Value : 0);
    }
}
