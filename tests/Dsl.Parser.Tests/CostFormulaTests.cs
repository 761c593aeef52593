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
        Assert.Equal(4352L * 8 * 4 + 4624L * 4 * 4, attention.Bops());
        // Every MAC runs at low bit-width: OPs are the BOPs/64 alone.
        Assert.Equal(attention.Bops() / 64.0, attention.Ops());
    }

    [Fact]
    public void Binary_activations_alone_leave_the_weights_in_full_precision()
    {
        var model = Single(Compile(Model("4, 8, 8", "conv2d(8, kernel: 3, padding: 1) @binarize(method: rebnn, weights: false)")));
        var conv = model.Cost.Layers.Single();
        Assert.Equal(("W32A1", 0L, (double)conv.Macs), (conv.Bits, conv.Bops(), conv.Ops()));
        Assert.Equal(8 * 8 * 8 * 4 * 9, conv.Macs);
        Assert.Equal((double)conv.Macs, model.Cost.Ops());
    }

    [Fact]
    public void Stored_weight_bits_count_a_low_bit_layers_weights_at_their_bits_and_the_rest_at_32()
    {
        // linear 16 → 8 at W4A4 (per-channel steps): 128 weights at 4 bits; 8 biases, 8 weight
        // steps and 1 activation step at 32. The classifier 8 → 3 (27 parameters) in full precision.
        var quant = Single(Compile(Model("16", "linear(8) @quant(w: 4, a: 4) -> linear(3)"))).Cost;
        Assert.Equal(128 * 4 + 32 * (8 + 8 + 1), (long)quant.Layers[0].Metric(Methods.LowBitMetrics.WeightBits));
        Assert.Equal(128 * 4 + 32 * 17 + 32 * 27, (long)quant.Total(Methods.LowBitMetrics.WeightBits));
        // ReBNN: 1-bit weights, 8 biases and 8 per-channel scales at 32; binary activations alone keep 32-bit weights.
        var rebnn = Single(Compile(Model("16", "linear(8) @binarize(method: rebnn)"))).Cost.Layers[0];
        Assert.Equal(128 * 1 + 32 * (8 + 8), (long)rebnn.Metric(Methods.LowBitMetrics.WeightBits));
        var activations = Single(Compile(Model("16", "linear(8) @binarize(method: rebnn, weights: false)"))).Cost.Layers[0];
        Assert.Equal(32 * activations.Params, (long)activations.Metric(Methods.LowBitMetrics.WeightBits));
    }

    [Fact]
    public void Post_training_quantization_counts_w_times_a_bits_per_mac_and_stores_its_weights_at_w_bits()
    {
        // conv 4 → 8, 3×3, padding 1 on 6×6: 8·6·6·4·9 = 10,368 MACs at W4A6, 288 weights at 4 bits and 8 biases at 32;
        // DFSQ's points are buffers, so the parameters stay the layer's.
        var conv = Single(Compile(Model("4, 6, 6", "conv2d(8, kernel: 3, padding: 1) @ptq(w: 4, a: 6)"))).Cost.Layers.Single();
        Assert.Equal(8 * 6 * 6 * 4 * 9, conv.Macs);
        Assert.Equal(("W4A6", 10368L * 4 * 6), (conv.Bits, conv.Bops()));
        Assert.Equal(288 + 8, conv.Params);
        Assert.Equal(288 * 4 + 32 * 8, (long)conv.Metric(Methods.LowBitMetrics.WeightBits));
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
        var learned = TokenPlans(model);
        Assert.All(learned, t => Assert.Equal((256.0, 16.0, 256.0), (t.Cost!.PerToken, t.Cost.PerTokenPair, t.Cost.PerTokenAfter)));
    }
}

/// <summary>The parameters binarization adds, counted by hand from each method's definition.</summary>
public class BinarizeParameterTests
{
    private static long Params(string input, string stages) => Single(Compile(Model(input, stages))).Cost.Params;

    [Fact]
    public void ReBnn_adds_one_scale_per_output_channel_of_binary_weights()
    {
        Assert.Equal(16 * 8 + 8 + 8, Params("16", "linear(8) @binarize(method: rebnn)"));
        // Binary activations alone have no weight scales.
        Assert.Equal(16 * 8 + 8, Params("16", "linear(8) @binarize(method: rebnn, weights: false)"));
        Assert.Equal(4 * 9 * 6 + 6 + 6, Params("4, 8, 8", "conv2d(6, kernel: 3) @binarize(method: rebnn)"));
    }

    [Fact]
    public void BiViT_adds_an_activation_scale_and_offset_per_weight_layer_per_head_scales_and_qk_norms()
    {
        // attention(2) on width 8: qkv 3·8·8 + 3·8, proj 8·8 + 8 = 288. Bi-ViT: α and z for the
        // inputs of qkv and proj (2·2), for q, k, v and the attention matrix per head (4·2·2),
        // and LayerNorms on q and k over the head dimension 4 (2·2·4).
        Assert.Equal(288 + 4 + 16 + 16, Params("17, 8", "attention(2) @binarize(method: bivit)"));
        Assert.Equal(288 + 16, Params("17, 8", "attention(2) @binarize(method: bivit, scale: false)"));
        Assert.Equal(288 + 4 + 16, Params("17, 8", "attention(2) @binarize(method: bivit, qk_norm: false)"));
        // An MLP: fc1 8·16 + 16, fc2 16·8 + 8 = 280, plus α and z for each of its two linears.
        Assert.Equal(280 + 4, Params("17, 8", "mlp(hidden: 16) @binarize(method: bivit)"));
        Assert.Equal(16 * 8 + 8 + 2, Params("16", "linear(8) @binarize(method: bivit)"));
        // Plain binarization learns nothing more.
        Assert.Equal(16 * 8 + 8, Params("16", "linear(8) @binarize(method: plain)"));
    }
}

/// <summary>The steps and zero points LSQ adds, and parameters without biases, counted by hand.</summary>
public class QuantParameterTests
{
    private static long Params(string input, string stages) => Single(Compile(Model(input, stages))).Cost.Params;

    [Theory]
    // linear 16 → 8: 136 parameters; a step per output channel (8) or one per tensor; one input step, two with LSQ+'s zero point.
    [InlineData("16", "linear(8) @quant(w: 4, a: 4)", 136 + 8 + 1)]
    [InlineData("16", "linear(8) @quant(w: 4, a: 4, weight: per_tensor)", 136 + 1 + 1)]
    [InlineData("16", "linear(8) @quant(w: 4, a: 4, zero_point: true)", 136 + 8 + 2)]
    [InlineData("16", "linear(8) @quant(w: 4)", 136 + 8)]
    [InlineData("16", "linear(8) @quant(a: 4)", 136 + 1)]
    // attention(2), width 8: 288; weight steps for qkv (24) and proj (8) channels, input steps for
    // both linears, steps for q, k, v and the attention matrix, and zero points for q, k and v.
    [InlineData("17, 8", "attention(2) @quant(w: 4, a: 4)", 288 + 32 + 2 + 4)]
    [InlineData("17, 8", "attention(2) @quant(w: 4, a: 4, zero_point: true)", 288 + 32 + 4 + 4 + 3)]
    [InlineData("17, 8", "attention(2) @quant(w: 4, a: 4, attention: false)", 288 + 32 + 2)]
    // mlp 8 → 16 → 8: 280; fc1 and fc2 output channels 16 + 8, an input step for each.
    [InlineData("17, 8", "mlp(hidden: 16) @quant(w: 4, a: 4)", 280 + 24 + 2)]
    public void Lsq_adds_its_steps(string input, string stages, long expected) => Assert.Equal(expected, Params(input, stages));

    [Theory]
    [InlineData("8, 5, 5", "conv_transpose2d(4, kernel: 3, bias: false)", 8 * 4 * 9)]
    [InlineData("3, 16, 16", "patch_embed(dim: 8, patch: 4, bias: false)", 8 * 3 * 16)]
    [InlineData("17, 8", "attention(2, qkv_bias: false)", 3 * 64 + 64 + 8)]
    [InlineData("17, 8", "mlp(hidden: 16, bias: false)", 8 * 16 + 16 * 8)]
    [InlineData("17, 8", "mlp(hidden: 16, out_features: 4)", 8 * 16 + 16 + 16 * 4 + 4)]
    public void Layers_without_biases_or_with_other_widths_count_what_they_hold(string input, string stages, long expected) => Assert.Equal(expected, Params(input, stages));
}

/// <summary>A block's per-token and per-pair costs when layers of another width come before its attention.</summary>
public class TokenCostModelTests
{
    [Fact]
    public void Only_the_attention_counts_per_token_pair_at_2C_whatever_the_layers_before_it()
    {
        // Before the reduction: linear 8→16 (128 per token), linear 16→8 (128), attention on
        // C = 8 (4·C² = 256 per token, 2·C = 16 per pair); after it the MLP 2·8·16 = 256.
        var vit = TokensTests.Vit("@tokens(target: 0.99, granularity: 2)")
            .Replace("h = x + (x -> layer_norm -> attention(2))", "h = x + (x -> linear(16) -> linear(8) -> attention(2))");
        var learned = TokenPlans(Single(Compile(vit)));
        Assert.All(learned, t => Assert.Equal((512.0, 16.0, 256.0), (t.Cost!.PerToken, t.Cost.PerTokenPair, t.Cost.PerTokenAfter)));
    }
}
