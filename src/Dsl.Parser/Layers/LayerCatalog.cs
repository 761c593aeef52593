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
        new PatchEmbedSpec(), new ClsTokenSpec(), new PosEmbedSpec(), new AttentionSpec(), new MlpSpec(), new ClsSelectSpec(),
    }.Concat(ElementwiseSpec.All).ToDictionary(l => l.Name);

    /// <summary>Functions written in expression position rather than after '->'.</summary>
    public const string Concat = "concat";
}
