using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>@prune, the worked example of docs/adding-a-method.md: its metric counted by hand, its check, its variant names.</summary>
public class PruneTests
{
    private static long Nonzero(Costs.LayerCost layer) => (long)layer.Metric(PruneMetrics.NonzeroWeights);

    [Fact]
    public void Pruning_leaves_the_weights_not_removed_and_every_bias_and_costs_the_same_macs()
    {
        // linear 16 → 8: 128 weights, half pruned, 8 biases kept: 72 nonzero of 136. conv 4 → 6,
        // 3×3: 216 weights, a quarter pruned (54), 6 biases: 168 of 222. linear 5 → 3 without
        // bias at 0.3: 4.5 rounds to 5 of 15 pruned: 10.
        var linear = Single(Compile(Model("16", "linear(8) @prune(amount: 0.5)"))).Cost;
        Assert.Equal((72L, 136L, 128L), (Nonzero(linear.Layers[0]), linear.Params, linear.Macs));
        var conv = Single(Compile(Model("4, 8, 8", "conv2d(6, kernel: 3) @prune(amount: 0.25)"))).Cost;
        Assert.Equal((168L, 222L), (Nonzero(conv.Layers[0]), conv.Params));
        var noBias = Single(Compile(Model("5", "linear(3, bias: false) @prune(amount: 0.3)"))).Cost;
        Assert.Equal(10L, Nonzero(noBias.Layers[0]));
        // An MLP 5 → 3 → 5 rounds each linear apart: 7.5 → 8 of fc1's 15 and of fc2's 15 (16,
        // where the 30 together would round to 15); 38 parameters with 8 biases: 22 nonzero.
        var mlp = Single(Compile(Model("2, 5", "mlp(hidden: 3) @prune(amount: 0.5)"))).Cost;
        Assert.Equal((22L, 38L), (Nonzero(mlp.Layers[0]), mlp.Params));
    }

    [Fact]
    public void A_model_counts_the_layers_it_does_not_prune_in_full()
    {
        // 16 → 8 pruned by half (72 of 136 nonzero), then 8 → 4 left dense (36).
        var model = Single(Compile(Model("16", "linear(8) @prune(amount: 0.5) -> relu -> linear(4)"))).Cost;
        Assert.Equal(72 + 36, (long)model.Total(PruneMetrics.NonzeroWeights));
        Assert.True(model.Reports(PruneMetrics.NonzeroWeights));
        Assert.False(Single(Compile(Model("16", "linear(8)"))).Cost.Reports(PruneMetrics.NonzeroWeights));
    }

    [Fact]
    public void Block_variants_are_named_after_the_amount()
    {
        var result = Compile("""
            block Unit(c: int) {
                input x: [N, C]
                output x -> linear(c) as fc
            }
            model Half @prune(amount: 0.5) {
                input x: [N, 4]
                output x -> Unit(8) as a
            }
            model Eighth @prune(amount: 0.125) {
                input x: [N, 4]
                output x -> Unit(8) as a
            }
            model Third @prune(amount: 0.3333333) {
                input x: [N, 4]
                output x -> Unit(8) as a
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "UnitPrune50", "UnitPrune12_5", "UnitPrune33_33" }, result.Blocks.Select(b => b.Name));
    }

    [Fact]
    public void Pruning_reaches_only_convolutions_and_linears()
    {
        var d = Assert.Single(Compile(Model("4, 8, 8", "batch_norm @prune")).Diagnostics);
        Assert.Equal(("CM0018", "'@prune' cannot apply to batch_norm (norm); it applies to conv, linear layers"), (d.Id, d.Message));
    }

    [Fact]
    public void Pruning_composes_with_quantization_mask_first_and_each_counts_its_own_metric()
    {
        // linear 16 → 8: 128 MACs; 4-bit weights and inputs cost 128·4·4 = 2,048 BOPs; half the
        // 128 weights pruned, 8 biases kept: 72 nonzero. @quant is written first, the mask still goes first.
        var model = Single(Compile(Model("16", "linear(8) @quant(w: 4, a: 4) @prune(amount: 0.5)")));
        var layer = model.Cost.Layers[0];
        Assert.Equal((128L, 2_048L, 72L), (layer.Macs, layer.Bops(), Nonzero(layer)));
        var conversions = ((Semantics.CompressedConstruction)model.Class.Fields.Single().Construction).Conversions;
        Assert.Equal(new[] { "Compression.Prune", "Compression.Quant" }, conversions.Select(c => c.Call.Function));
    }

    [Fact]
    public void A_composed_block_variant_is_named_after_each_setting()
    {
        var result = Compile("""
            block Unit(c: int) {
                input x: [N, C]
                output x -> linear(c) as fc
            }
            model Sparse4 @quant(w: 4, a: 4) @prune(amount: 0.5) {
                input x: [N, 4]
                output x -> Unit(8) as a
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "UnitPrune50W4A4" }, result.Blocks.Select(b => b.Name));
    }

    [Fact]
    public void Quantization_and_binarization_declare_their_conflict_whichever_is_written_first()
    {
        foreach (var stages in new[] { "linear(8) @quant(w: 4) @binarize", "linear(8) @binarize @quant(w: 4)" })
        {
            var d = Assert.Single(Compile(Model("16", stages)).Diagnostics, d => d.IsError);
            Assert.Equal("CM0039", d.Id);
        }
        Assert.False(Compile(Model("16", "linear(8) @binarize @prune(amount: 0.5)")).HasErrors);
    }
}
