using Dsl.Parser.Semantics;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// Cost formulas checked against values worked out by hand from their definitions, each with an
/// input where the term under test matters (so a changed constant, factor or axis fails).
/// </summary>
public class CostFormulaTests
{
    [Fact]
    public void Attention_under_w8_a4_counts_its_products_at_a4_times_a4()
    {
        // T = 17 tokens, C = 8: projections 4·T·C² = 4,352 MACs at 8·4 bits; Q·Kᵀ and A·V 2·T²·C = 4,624 at 4·4.
        var model = Single(Compile(TokensTests.Vit("").Replace("attention(2))", "attention(2) @quant(w: 8, a: 4))")));
        var attention = model.Cost.Layers.Single(l => l.Path == "blocks.0.attention");
        Assert.Equal(4 * 17 * 64 + 2 * 17 * 17 * 8, attention.Macs);
        Assert.Equal(4352L * 8 * 4 + 4624L * 4 * 4, attention.Bops);
        Assert.Equal(attention.Macs, attention.LowBitMacs);
    }

    [Fact]
    public void Binary_activations_alone_leave_the_weights_in_full_precision()
    {
        var model = Single(Compile(Model("4, 8, 8", "conv2d(8, kernel: 3, padding: 1) @binarize(method: rebnn, weights: false)")));
        var conv = model.Cost.Layers.Single();
        Assert.Equal(("W32A1", 0L, 0L), (conv.Bits, conv.Bops, conv.LowBitMacs));
        Assert.Equal(8 * 8 * 8 * 4 * 9, conv.Macs);
        Assert.Equal((double)conv.Macs, model.Cost.Ops);
    }

    [Fact]
    public void A_grouped_transposed_convolution_costs_output_elements_times_in_per_group_times_kernel()
    {
        // [N, 8, 5, 5] → (5 − 1)·2 + 3 = 11: [N, 4, 11, 11]; each output sums 8/2 input channels × 3·3.
        var model = Single(Compile(Model("8, 5, 5", "conv_transpose2d(4, kernel: 3, stride: 2, groups: 2)")));
        var layer = model.Cost.Layers.Single();
        Assert.Equal("[N, 4, 11, 11]", layer.Output.ToString());
        Assert.Equal(4 * 11 * 11 * (8 / 2) * 9, layer.Macs);
        Assert.Equal(8 * (4 / 2) * 9 + 4, layer.Params);
    }

    [Fact]
    public void A_learning_block_costs_2C_per_token_pair_and_its_projections_and_mlp_per_token()
    {
        // The Vit's blocks: width C = 8, MLP hidden 16. Per token before the reduction, the qkv and
        // proj linears 4·C² = 256; per pair of tokens Q·Kᵀ and A·V 2·C = 16; per token after it the
        // MLP 2·C·16 = 256.
        var model = Single(Compile(TokensTests.Vit("@tokens(target: 0.9, granularity: 2)")));
        var repeat = (RepeatConstruction)model.Class.Fields.Single(f => f.Name == "blocks").Construction;
        var learned = repeat.Copies.Cast<BlockConstruction>().Select(b => b.Args.Select(a => a.Value).OfType<TokenBlockCode>().Single()).ToList();
        Assert.All(learned, t => Assert.Equal((256.0, 16.0, 256.0), (t.Cost!.PerToken, t.Cost.PerTokenPair, t.Cost.PerTokenAfter)));
    }
}
