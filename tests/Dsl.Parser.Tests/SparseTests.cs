using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>@sparse's cost rule, counted by hand from the method's definition.</summary>
public class SparseTests
{
    private static double Metric(Costs.LayerCost layer, Costs.CostMetric metric) => layer.Metric(metric);

    [Theory]
    // linear 16 → 8: 128 weight MACs. 2:4 keeps half: 64 in inference. A training step: forward
    // 64, input gradient 64 (bimask, transposable) or 128 (forward), weight gradient 128.
    [InlineData("bimask", 64 + 64 + 128)]
    [InlineData("transposable", 64 + 64 + 128)]
    [InlineData("forward", 64 + 128 + 128)]
    public void Weight_products_run_at_n_over_m_and_the_weight_gradient_stays_dense(string method, long training)
    {
        var layer = Single(Compile(Model("16", $"linear(8) @sparse(n: 2, m: 4, method: {method})"))).Cost.Layers[0];
        Assert.Equal(64, layer.Macs);
        Assert.Equal(training, (long)Metric(layer, SparseMetrics.TrainingMacs));
        Assert.Equal(128, (long)Metric(layer, SparseMetrics.DenseMacs));
        // 128 weights, 64 kept, and the 8 biases: 72 nonzero of 136.
        Assert.Equal((72L, 136L), ((long)Metric(layer, PruneMetrics.NonzeroWeights), layer.Params));
    }

    [Fact]
    public void Attention_keeps_its_activation_products_dense_in_both_passes()
    {
        // C = 8, T = 5: projections 4·T·C² = 1,280 MACs → 1:4 keeps 320; Q·Kᵀ and A·V 2·T²·C = 400
        // stay. Training: 320 + 320 + 1,280 for the weights, 3·400 for the activation products.
        var layer = Single(Compile(Model("5, 8", "attention(2) @sparse(n: 1, m: 4)"))).Cost.Layers[0];
        Assert.Equal(320 + 400, layer.Macs);
        Assert.Equal(320 + 320 + 1_280 + 3 * 400, (long)Metric(layer, SparseMetrics.TrainingMacs));
    }

    [Fact]
    public void A_model_totals_inference_and_training_against_its_dense_self()
    {
        // The sparse linear as above (64; 256 training); the dense classifier 8 → 4 counts 32 and 3·32.
        var model = Single(Compile(Model("16", "linear(8) @sparse(n: 2, m: 4) -> relu -> linear(4)"))).Cost;
        Assert.Equal(64 + 32, model.Macs);
        Assert.Equal(256 + 96, (long)model.Total(SparseMetrics.TrainingMacs));
        Assert.Equal(128 + 32, (long)model.Total(SparseMetrics.DenseMacs));
        Assert.Equal("N:M sparse: inference 96 MACs (dense 160 MACs, ×0.60); training 352 MACs per step (dense 480 MACs, ×0.73)", SparseMetrics.TrainingMacs.Footnote!(model));
    }

    [Fact]
    public void With_quantization_the_bit_operations_count_the_kept_products()
    {
        // 64 sparse MACs at 4·4 bits: 1,024 BOPs; the conversions run mask first.
        var model = Single(Compile(Model("16", "linear(8) @quant(w: 4, a: 4) @sparse(n: 2, m: 4)")));
        Assert.Equal(1_024, model.Cost.Layers[0].Bops());
        var conversions = ((Semantics.CompressedConstruction)model.Class.Fields.Single().Construction).Conversions;
        Assert.Equal(new[] { "Compression.Sparse", "Compression.Quant" }, conversions.Select(c => c.Call.Function));
    }

    [Fact]
    public void Sparsity_and_pruning_cannot_share_a_layer_and_blocks_are_named_after_the_pattern()
    {
        Assert.Equal("CM0039", Assert.Single(Compile(Model("16", "linear(8) @sparse(n: 2, m: 4) @prune(amount: 0.5)")).Diagnostics, d => d.IsError).Id);
        var result = Compile("""
            block Unit(c: int) {
                input x: [N, C]
                output x -> linear(c) as fc
            }
            model A @sparse(n: 2, m: 4) {
                input x: [N, 8]
                output x -> Unit(8) as a
            }
            model B @sparse(n: 1, m: 4, method: forward) {
                input x: [N, 8]
                output x -> Unit(8) as a
            }
            model C @sparse(n: 2, m: 4, interval: 50, candidates: 20, decay: 0.001) {
                input x: [N, 8]
                output x -> Unit(8) as a
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "UnitSparse2of4", "UnitSparse1of4Forward", "UnitSparse2of4Every50Candidates20Decay0_001" }, result.Blocks.Select(b => b.Name));
    }

    [Fact]
    public void The_stem_and_classifier_are_exempted_as_the_method_leaves_them_dense()
    {
        // A 3-channel stem sums 27 weights per output and a 10-way classifier has 10 outputs: both exempt.
        var result = Compile("""
            model Cnn @sparse(n: 2, m: 4) {
                input x: [N, 3, 8, 8]
                h = x -> conv2d(8, kernel: 3, padding: 1) @exempt(sparse) -> relu -> conv2d(8, kernel: 3, padding: 1) -> relu
                output h -> adaptive_avg_pool2d(1) -> flatten -> linear(10) @exempt(sparse)
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
    }
}
