using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>
/// sine_position: DETR's fixed sine position encoding of a feature map [N, C, H, W], as tokens
/// [N, H·W, C] (C/2 features for y, then C/2 for x; each pair sin, cos at temperature^(2i/(C/2)),
/// coordinates normalised to (0, 2π] when <c>normalize</c>). No parameters, no MACs.
/// </summary>
public sealed class SinePositionSpec : LayerSpec
{
    public override string Name => "sine_position";
    public override string Family => "embedding";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Float("temperature", 10000, min: 1),
        ParamSpec.Bool("normalize", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(4, 4, "[N, C, H, W]")) return null;
        var c = b.Input[1].Value;
        if (c % 4 != 0)
        {
            b.NotDivisible($"sine_position splits the {c} channels into sines and cosines of y and x, so they must be a multiple of 4");
            return null;
        }
        return new LayerResult(new Shape(new[] { b.Input[0], (Size.Of(b.Input[2]) * Size.Of(b.Input[3])).ToDim(), b.Input[1] }), 0, 0);
    }
}

/// <summary>query_embed(queries): DETR's learned object queries, [queries, C] (nn.Embedding's <c>weight</c>), for each sample: [N, T, C] → [N, queries, C].</summary>
public sealed class QueryEmbedSpec : LayerSpec
{
    public override string Name => "query_embed";
    public override string Family => "embedding";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[] { ParamSpec.Req("queries", ArgKind.Int, min: 1) };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, T, C]")) return null;
        var dim = Size.Of(b.Input[2]);
        b.Infer("dim", dim);
        var queries = b.Size("queries");
        return new LayerResult(new Shape(new[] { b.Input[0], queries.ToDim(), b.Input[2] }), 0, queries.Value * dim.Value);
    }
}

/// <summary>
/// The attention and feed-forward layers of DETR's transformer (post-norm, ReLU, PyTorch's
/// nn.MultiheadAttention layout: <c>in_proj_weight</c>, <c>in_proj_bias</c>, <c>out_proj</c>).
/// </summary>
public abstract class DetrLayerSpec : LayerSpec
{
    public const string FamilyName = "detr";

    /// <summary>Its own family, which @quant reaches (Q-DETR); the methods built for timm's attention do not.</summary>
    public override string Family => FamilyName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("heads", ArgKind.Int, min: 1),
        ParamSpec.Req("ffn", ArgKind.Int, min: 1),
        ParamSpec.Float("dropout", 0.1, min: 0, max: 1),
    };

    /// <summary>One attention's weight layers: in_proj's q, k, v rows (each d of d, with its own input) and out_proj.</summary>
    protected static IEnumerable<WeightShape> AttentionWeights(long d) => Enumerable.Repeat(new WeightShape(d, d), 4);

    /// <summary>Those and the feed-forward's linear1 (ffn of d) and linear2 (d of ffn).</summary>
    protected static WeightLayers FeedForward(IEnumerable<WeightShape> attention, long d, BoundArguments args)
    {
        var ffn = args.Scalar("ffn")!.AsLong;
        return new WeightLayers(attention.Concat(new[] { new WeightShape(ffn, d), new WeightShape(d, ffn) }).ToList());
    }

    /// <summary>One attention's parameters: in_proj 3d² + 3d, out_proj d² + d.</summary>
    protected static long AttentionParams(long d) => 4 * d * d + 4 * d;

    /// <summary>The feed-forward's parameters and a LayerNorm's per norm: linear1 d·ffn + ffn, linear2 ffn·d + d.</summary>
    protected static long FeedForwardParams(long d, long ffn) => 2 * d * ffn + ffn + d;

    /// <summary>Checks the width against the heads and that each named input has <paramref name="tokens"/> tokens of the same width; the width, or null.</summary>
    protected static long? Width(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, T, C]")) return null;
        var d = b.Input[2].Value;
        if (d % b.Int("heads") != 0)
        {
            b.NotDivisible($"{b.Spec.Name} heads ({b.Int("heads")}) must divide the width ({d})");
            return null;
        }
        b.Infer("dim", Size.Of(b.Input[2]));
        return d;
    }

    protected static bool SideMatches(LayerBinding b, string side, Shape expected)
    {
        var shape = b.Sides[side];
        if (shape.ToString() == expected.ToString()) return true;
        b.ShapeError($"{b.Spec.Name}'s {side} must be {expected}, but it is {shape}");
        return false;
    }
}

/// <summary>detr_encoder_layer(heads, ffn, pos: p): self-attention with the position added to queries and keys, then the feed-forward.</summary>
public sealed class DetrEncoderLayerSpec : DetrLayerSpec
{
    public override string Name => "detr_encoder_layer";
    public override IReadOnlyList<string> TensorInputs { get; } = new[] { "pos" };
    public override int Attentions => 1;

    /// <summary>in_proj's q, k and v rows, out_proj, linear1, linear2.</summary>
    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args) => FeedForward(AttentionWeights(input[2].Value), input[2].Value, args);

    /// <summary>Q·Kᵀ and A·V over the T tokens: 2·T²·d.</summary>
    public override long ActivationProducts(Shape output) => 2 * output[1].Value * output[1].Value * output[2].Value;

    public override LayerResult? Bind(LayerBinding b)
    {
        if (Width(b) is not { } d || !SideMatches(b, "pos", b.Input)) return null;
        var (t, ffn) = (b.Input[1].Value, b.Int("ffn"));
        var macs = 4 * t * d * d + 2 * t * t * d + 2 * t * d * ffn;
        return new LayerResult(b.Input, macs, AttentionParams(d) + FeedForwardParams(d, ffn) + 4 * d);
    }
}

/// <summary>
/// detr_decoder_layer(heads, ffn, memory: m, pos: p, query_pos: q): self-attention among the
/// queries (query_pos added to queries and keys), cross-attention from the queries to the
/// encoder's memory (pos added to its keys), then the feed-forward.
/// </summary>
public sealed class DetrDecoderLayerSpec : DetrLayerSpec
{
    public override string Name => "detr_decoder_layer";
    public override IReadOnlyList<string> TensorInputs { get; } = new[] { "memory", "pos", "query_pos" };
    public override int Attentions => 2;

    /// <summary>Self-attention's and cross-attention's in_proj rows and out_proj, linear1, linear2.</summary>
    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args) =>
        FeedForward(AttentionWeights(input[2].Value).Concat(AttentionWeights(input[2].Value)), input[2].Value, args);

    /// <summary>Self-attention 2·Q²·d, cross-attention 2·Q·T·d.</summary>
    public override long ActivationProducts(Shape output, IReadOnlyDictionary<string, Shape> sides)
    {
        var (q, d) = (output[1].Value, output[2].Value);
        return 2 * q * q * d + (sides.TryGetValue("memory", out var memory) ? 2 * q * memory[1].Value * d : 0);
    }

    public override LayerResult? Bind(LayerBinding b)
    {
        if (Width(b) is not { } d || !SideMatches(b, "query_pos", b.Input)) return null;
        var memory = b.Sides["memory"];
        if (memory.Rank != 3 || memory[0].ToString() != b.Input[0].ToString() || memory[2].Value != d)
        {
            b.ShapeError($"detr_decoder_layer's memory must be [N, T, {d}], but it is {memory}");
            return null;
        }
        if (!SideMatches(b, "pos", memory)) return null;
        var (q, t, ffn) = (b.Input[1].Value, memory[1].Value, b.Int("ffn"));
        // Self: 4·Q·d² + 2·Q²·d. Cross: queries and output Q·d² each, keys and values T·d² each, 2·Q·T·d.
        var macs = 4 * q * d * d + 2 * q * q * d + 2 * q * d * d + 2 * t * d * d + 2 * q * t * d + 2 * q * d * ffn;
        return new LayerResult(b.Input, macs, 2 * AttentionParams(d) + FeedForwardParams(d, ffn) + 6 * d);
    }
}

/// <summary>
/// query_rectify: Q-DETR's distribution rectification of decoder queries [N, Q, d]: each feature
/// normalised over the batch's queries, then scaled by a learnable γ and shifted by β
/// (<c>weight</c>, <c>bias</c>; running statistics for eval, as BatchNorm keeps them).
/// </summary>
public sealed class QueryRectifySpec : LayerSpec
{
    public override string Name => "query_rectify";

    /// <summary>Not "norm": no method converts it as it converts BatchNorm.</summary>
    public override string Family => "rectify";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Float("eps", 1e-5, min: 0),
        ParamSpec.Float("momentum", 0.1, min: 0, max: 1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 3, "[N, Q, d]")) return null;
        b.Infer("features", Size.Of(b.Input[2]));
        return new LayerResult(b.Input, 0, 2 * b.Input[2].Value);
    }
}
