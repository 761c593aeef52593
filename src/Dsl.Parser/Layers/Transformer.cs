using System.Collections.Generic;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>patch_embed(dim, patch): timm's PatchEmbed, a strided conv `proj`, then [N, T, dim].</summary>
public sealed class PatchEmbedSpec : LayerSpec
{
    public override string Name => "patch_embed";
    public override string Family => "conv";

    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args) => Single(result.Output.Last.Value, result, args);

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("dim", ArgKind.Int, min: 1),
        ParamSpec.Req("patch", ArgKind.Int, min: 1),
        ParamSpec.Bool("bias", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(4, 4, "[N, C, H, W]")) return null;
        var patch = b.Size("patch");
        var h = Size.Of(b.Input[2]);
        var w = Size.Of(b.Input[3]);
        if (h.Value % patch.Value != 0 || w.Value % patch.Value != 0)
        {
            b.NotDivisible($"patch_embed patch size {patch.Value} must divide the image size {h.Value}×{w.Value}");
            return null;
        }
        var channels = Size.Of(b.Input[1]);
        var dim = b.Size("dim");
        b.Infer("in_channels", channels);
        var tokens = (h / patch) * (w / patch);
        var macs = tokens.Value * dim.Value * channels.Value * patch.Value * patch.Value;
        var parameters = dim.Value * channels.Value * patch.Value * patch.Value + (b.Bool("bias") ? dim.Value : 0);
        return new LayerResult(new Shape(new[] { b.Input[0], tokens.ToDim(), dim.ToDim() }), macs, parameters);
    }
}

/// <summary>cls_token: prepends a learned class token, [N, T, C] → [N, T + 1, C].</summary>
public sealed class ClsTokenSpec : LayerSpec
{
    public override string Name => "cls_token";
    public override string Family => "embedding";
    public override FieldStyle Style => FieldStyle.Parameter;
    public override IReadOnlyList<ParamSpec> Parameters { get; } = new ParamSpec[0];

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, T, C]")) return null;
        var dim = Size.Of(b.Input[2]);
        b.Infer("dim", dim);
        return new LayerResult(b.Input.With(1, (Size.Of(b.Input[1]) + 1).ToDim()), 0, dim.Value);
    }
}

/// <summary>pos_embed: adds a learned position embedding of shape [1, T, C].</summary>
public sealed class PosEmbedSpec : LayerSpec
{
    public override string Name => "pos_embed";
    public override string Family => "embedding";
    public override FieldStyle Style => FieldStyle.Parameter;
    public override IReadOnlyList<ParamSpec> Parameters { get; } = new ParamSpec[0];

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, T, C]")) return null;
        b.Infer("tokens", Size.Of(b.Input[1]));
        b.Infer("dim", Size.Of(b.Input[2]));
        return new LayerResult(b.Input, 0, b.Input[1].Value * b.Input[2].Value);
    }
}

/// <summary>attention(heads): multi-head self-attention in timm's layout (qkv, proj).</summary>
public sealed class AttentionSpec : LayerSpec
{
    public override string Name => "attention";
    public override string Family => "attention";

    public override LayerTraits Traits => LayerTraits.TokenMixing;

    /// <summary>qkv (3·C outputs of C) and proj (C of C).</summary>
    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args)
    {
        var c = result.Output[2].Value;
        return new(new[] { new WeightShape(3 * c, c), new WeightShape(c, c) });
    }

    /// <summary>Q·Kᵀ and A·V: 2·T²·C.</summary>
    public override long ActivationProducts(Shape output) => 2 * output[1].Value * output[1].Value * output[2].Value;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("heads", ArgKind.Int, min: 1),
        ParamSpec.Bool("qkv_bias", true),
        ParamSpec.Float("attn_drop", 0, min: 0, max: 1),
        ParamSpec.Float("proj_drop", 0, min: 0, max: 1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, T, C]")) return null;
        var c = b.Input[2].Value;
        var t = b.Input[1].Value;
        var heads = b.Int("heads");
        if (c % heads != 0)
        {
            b.NotDivisible($"attention heads ({heads}) must divide the width ({c})");
            return null;
        }
        b.Infer("dim", Size.Of(b.Input[2]));
        // qkv and proj are linears (4·T·C²); Q·Kᵀ and A·V add 2·T²·C.
        var macs = 4 * t * c * c + 2 * t * t * c;
        var parameters = 3 * c * c + (b.Bool("qkv_bias") ? 3 * c : 0) + c * c + c;
        return new LayerResult(b.Input, macs, parameters);
    }
}

/// <summary>mlp(hidden): timm's Mlp, fc1 → GELU → fc2.</summary>
public sealed class MlpSpec : LayerSpec
{
    public override string Name => "mlp";
    public override string Family => "linear";

    /// <summary>fc1 (hidden outputs of the input features) and fc2 (the output features of hidden).</summary>
    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args)
    {
        var (features, hidden, outputs) = (input.Last.Value, args.Scalar("hidden")!.AsLong, result.Output.Last.Value);
        return new(new[] { new WeightShape(hidden, features), new WeightShape(outputs, hidden) });
    }

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("hidden", ArgKind.Int, min: 1),
        new ParamSpec("out_features", ArgKind.Int, Min: 1),
        ParamSpec.Float("drop", 0, min: 0, max: 1),
        ParamSpec.Bool("bias", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(2, 3, "[N, T, C]")) return null;
        var inFeatures = Size.Of(b.Input.Last);
        var hidden = b.Size("hidden");
        var outFeatures = b.Args["out_features"].Value == null ? inFeatures : b.Size("out_features");
        b.Infer("in_features", inFeatures);
        var tokens = b.Input.ElementsPerSample / inFeatures.Value;
        var macs = tokens * (inFeatures.Value * hidden.Value + hidden.Value * outFeatures.Value);
        var biases = b.Bool("bias") ? hidden.Value + outFeatures.Value : 0;
        var parameters = inFeatures.Value * hidden.Value + hidden.Value * outFeatures.Value + biases;
        return new LayerResult(b.Input.With(b.Input.Rank - 1, outFeatures.ToDim()), macs, parameters);
    }
}

/// <summary>cls_select: the class token's features, [N, T, C] → [N, C].</summary>
public sealed class ClsSelectSpec : LayerSpec
{
    public override string Name => "cls_select";
    public override string Family => "reshape";
    public override IReadOnlyList<ParamSpec> Parameters { get; } = new ParamSpec[0];

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, T, C]")) return null;
        return new LayerResult(new Shape(new[] { b.Input[0], b.Input[2] }), 0, 0);
    }
}
