using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Layers;

/// <summary>Every layer the language knows, by its .cmodel name.</summary>
public static class LayerCatalog
{
    public static IReadOnlyDictionary<string, LayerSpec> All { get; } = new LayerSpec[]
    {
        new LinearSpec(),
        new ConvSpec(1), new ConvSpec(2), new ConvSpec(3), new ConvTranspose2dSpec(),
        ChannelNormSpec.Batch, ChannelNormSpec.Instance, new LayerNormSpec(), new GroupNormSpec(),
        new PReluSpec(), new LearnableBiasSpec(),
        new PoolSpec(max: true, 2), new PoolSpec(max: true, 3), new PoolSpec(max: false, 2),
        new AdaptivePoolSpec(2), new AdaptivePoolSpec(3),
        new FlattenSpec(), new PixelShuffleSpec(), new UpsampleSpec(), new ReflectionPad2dSpec(),
        new ReshapeSpec(), new PermuteSpec(), new TransposeSpec(), new MeanSpec(),
        new PatchEmbedSpec(), new ClsTokenSpec(), new PosEmbedSpec(), new AttentionSpec(), new MlpSpec(), new ClsSelectSpec(),
        new SinePositionSpec(), new QueryEmbedSpec(), new DetrEncoderLayerSpec(), new DetrDecoderLayerSpec(), new QueryRectifySpec(),
    }.Concat(ElementwiseSpec.All).ToDictionary(l => l.Name);

    /// <summary>Whether <paramref name="name"/> is a layer with <paramref name="trait"/>.</summary>
    public static bool Has(string name, LayerTraits trait) => All.TryGetValue(name, out var spec) && spec.Traits.HasFlag(trait);

    /// <summary>
    /// Names from PyTorch, Keras and papers that people write for a layer the language has under
    /// another name; an unknown layer suggests what to write instead of the nearest spelling.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["dense"] = "linear", ["fc"] = "linear", ["conv"] = "conv2d", ["bn"] = "batch_norm", ["batchnorm"] = "batch_norm",
        ["batch_norm2d"] = "batch_norm", ["layernorm"] = "layer_norm", ["ln"] = "layer_norm", ["groupnorm"] = "group_norm",
        ["swish"] = "silu", ["maxpool"] = "max_pool2d", ["max_pool"] = "max_pool2d", ["avgpool"] = "avg_pool2d", ["avg_pool"] = "avg_pool2d",
        ["global_avg_pool"] = "adaptive_avg_pool2d(1)", ["gap"] = "adaptive_avg_pool2d(1)", ["interpolate"] = "upsample",
        ["cat"] = "concat", ["self_attention"] = "attention", ["multihead_attention"] = "attention", ["mhsa"] = "attention",
        ["msa"] = "attention", ["ffn"] = "mlp", ["feed_forward"] = "mlp", ["clamp"] = "hardtanh",
        ["pixelshuffle"] = "pixel_shuffle", ["convtranspose2d"] = "conv_transpose2d", ["deconv"] = "conv_transpose2d",
    };

    /// <summary>"; did you mean ...?" for an unknown layer: a known alias first, then the nearest name.</summary>
    public static string Suggest(string name, IEnumerable<string> blocks) =>
        Aliases.TryGetValue(name.ToLowerInvariant(), out var meant) && !All.ContainsKey(name)
            ? $"; did you mean '{meant}'?"
            : Semantics.Suggestions.DidYouMean(name, All.Keys.Concat(blocks));

    /// <summary>Functions written in expression position rather than after '->'.</summary>
    public const string Concat = "concat";

    /// <inheritdoc cref="Concat"/>
    public const string Stack = "stack";

    public static bool IsFunction(string name) => name is Concat or Stack;
}
