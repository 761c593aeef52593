using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// The validation branches and boundaries Stryker found unchecked: each case sits on one side
/// of a boundary, or makes only one of two conditions true.
/// </summary>
public class LayerValidationTests
{
    private static string? Error(string input, string stages) =>
        Compile(Model(input, stages)).Diagnostics.SingleOrDefault(d => d.IsError)?.Message;

    [Theory]
    // Reflect padding must stay below the input size, in every spatial dimension; zeros padding may not.
    [InlineData("3, 4, 8", "conv2d(4, kernel: 3, padding: 3, padding_mode: reflect)", null)]
    [InlineData("3, 4, 8", "conv2d(4, kernel: 3, padding: 4, padding_mode: reflect)", "argument 'padding' of conv2d must be smaller than the input size 4 with padding_mode reflect but is 4")]
    [InlineData("3, 8, 4", "conv2d(4, kernel: 3, padding: 4, padding_mode: reflect)", "argument 'padding' of conv2d must be smaller than the input size 4 with padding_mode reflect but is 4")]
    [InlineData("3, 4, 4", "conv2d(4, kernel: 3, padding: 6)", null)]
    // groups must divide both channel counts: here only out_channels fails.
    [InlineData("8, 4, 4", "conv2d(6, kernel: 1, groups: 4)", "conv2d groups (4) must divide its input channels (8) and out_channels (6)")]
    [InlineData("8, 4, 4", "conv_transpose2d(6, kernel: 1, groups: 4)", "conv_transpose2d groups (4) must divide its input channels (8) and out_channels (6)")]
    // output_padding below stride or below dilation.
    [InlineData("4, 5, 5", "conv_transpose2d(2, kernel: 3, stride: 2, output_padding: 1)", null)]
    [InlineData("4, 5, 5", "conv_transpose2d(2, kernel: 3, dilation: 2, output_padding: 1)", null)]
    [InlineData("4, 5, 5", "conv_transpose2d(2, kernel: 3, stride: 2, output_padding: 2)", "argument 'output_padding' of conv_transpose2d must be smaller than stride or dilation but is 2")]
    // patch_embed: either side not divisible.
    [InlineData("3, 16, 18", "patch_embed(dim: 8, patch: 4)", "patch_embed patch size 4 must divide the image size 16×18")]
    public void Convolution_and_patch_checks(string input, string stages, string? message) => Assert.Equal(message, Error(input, stages));

    [Theory]
    // (8 + 2·2 − 5)/1 + 1 = 8, and a 1×1 output is allowed.
    [InlineData("3, 8, 8", "conv2d(4, kernel: 5, padding: 2)", "[N, 4, 8, 8]")]
    [InlineData("3, 3, 3", "conv2d(4, kernel: 3)", "[N, 4, 1, 1]")]
    // (4 − 1)·2 − 2·2 + 5 = 7.
    [InlineData("3, 4, 4", "conv_transpose2d(2, kernel: 5, stride: 2, padding: 2)", "[N, 2, 7, 7]")]
    [InlineData("3, 1, 1", "conv_transpose2d(2, kernel: 1)", "[N, 2, 1, 1]")]
    public void Output_sizes_follow_pytorchs_formulas(string input, string stages, string output) =>
        Assert.Equal(output, Single(Compile(Model(input, stages))).Cost.Output.ToString());

    [Fact]
    public void A_layer_of_exactly_2_to_the_53_minus_1_macs_is_accepted()
    {
        // 2^53 − 1 = 6361 · 69431 · 20394401: 6,361 rows of 69,431 features into 20,394,401.
        var model = Single(Compile(Model("6361, 69431", "linear(20394401, bias: false)")));
        Assert.Equal(9_007_199_254_740_991, model.Cost.Macs);
    }

    [Fact]
    public void An_exempt_block_beyond_the_stack_is_an_error_even_beside_a_valid_one()
    {
        var d = Assert.Single(Compile(TokensTests.Vit("@tokens(target: 0.9, exempt: [0, 5])")).Diagnostics);
        Assert.Equal("@tokens exempt names block 5 but the stack has blocks 0 to 1", d.Message);
    }

    [Fact]
    public void A_layer_before_the_attention_counts_per_token_in_a_learning_blocks_cost()
    {
        // linear(8) on width 8 before the attention: 8·8 + the projections 4·8² = 320 per token.
        var source = TokensTests.Vit("@tokens(target: 0.9, granularity: 2)").Replace("h = x + (x -> layer_norm -> attention(2))", "h = x + (x -> linear(dim) -> attention(2))");
        var model = Single(Compile(source));
        var cost = TokenPlans(model)[0].Cost!;
        Assert.Equal((320.0, 16.0), (cost.PerToken, cost.PerTokenPair));
    }

    [Fact]
    public void A_rising_merge_list_is_warned_at_the_merge_argument()
    {
        var d = Assert.Single(Compile(TokensTests.Vit("@tokens(prune: [17, 10], merge: [10, 14])")).Diagnostics);
        Assert.Equal("CM0032", d.Id);
        var text = TokensTests.Vit("@tokens(prune: [17, 10], merge: [10, 14])");
        Assert.Equal(text.IndexOf("merge:", StringComparison.Ordinal), d.Span.Start);
    }
}

/// <summary>The second round of Stryker survivors: each input sits where the mutated code and the real one part ways.</summary>
public class SurvivorTests
{
    private static string? Error(string input, string stages) =>
        Compile(Model(input, stages)).Diagnostics.SingleOrDefault(d => d.IsError)?.Message;

    [Theory]
    [InlineData("3, 8, 4", "conv2d(4, kernel: 3, padding: [0, 4], padding_mode: reflect)", "argument 'padding' of conv2d must be smaller than the input size 4 with padding_mode reflect but is 4")]
    [InlineData("3, 8, 8", "conv2d(4, kernel: [3, 3, 3])", "argument 'kernel' of conv2d must be an int or a list of 2 ints but is [3, 3, 3]")]
    [InlineData("3, 8, 8", "conv2d(4, kernel: 3, stride: [1, 1, 1])", "argument 'stride' of conv2d must be an int or a list of 2 ints but is [1, 1, 1]")]
    [InlineData("3, 8, 8", "conv_transpose2d(4, kernel: 3, dilation: [1, 1, 1])", "argument 'dilation' of conv_transpose2d must be an int or a list of 2 ints but is [1, 1, 1]")]
    [InlineData("4, 5, 5", "conv_transpose2d(2, kernel: 3, output_padding: 1)", "argument 'output_padding' of conv_transpose2d must be smaller than stride or dilation but is 1")]
    [InlineData("3, 2, 9", "conv2d(4, kernel: [3, 5])", "conv2d with kernel [3, 5], stride 1, padding 0 needs each spatial size of [N, 3, 2, 9] to be at least 3")]
    public void Convolution_arguments(string input, string stages, string message) => Assert.Equal(message, Error(input, stages));

    [Theory]
    [InlineData("gamma: constant", "gamma belongs to method: rebnn, but this @binarize uses method: bivit")]
    [InlineData("gamma_value: 0.1", "gamma_value belongs to method: rebnn, but this @binarize uses method: bivit")]
    [InlineData("factor: 2", "factor belongs to method: rebnn, but this @binarize uses method: bivit")]
    public void Rebnn_arguments_on_another_method_are_errors(string argument, string message) =>
        Assert.Equal(message, Error("16", $"linear(8) @binarize(method: bivit, {argument})"));

    [Fact]
    public void ReBnn_scales_follow_the_output_features_of_a_linear_over_tokens_and_of_a_patch_embedding()
    {
        // [N, 5, 16] → linear(8): 136 parameters and 8 scales (the features, not the 5 tokens).
        Assert.Equal(136 + 8, Single(Compile(Model("5, 16", "linear(8) @binarize(method: rebnn)"))).Cost.Params);
        // patch_embed 3 → 8 over 4×4 patches: 392 parameters and 8 scales (not the 16 patches).
        Assert.Equal(392 + 8, Single(Compile(Model("3, 16, 16", "patch_embed(dim: 8, patch: 4) @binarize(method: rebnn)"))).Cost.Params);
    }

    [Fact]
    public void Bit_operations_have_the_limit_too()
    {
        // 2^24 features into 2^23 outputs: 2^47 MACs at 8·8 bits = 2^53 BOPs, one past the limit.
        var d = Assert.Single(Compile("model Big { input x: [N, 16777216] output x -> linear(8388608, bias: false) @quant(w: 8, a: 8) }").Diagnostics);
        Assert.StartsWith("model 'Big' totals 9.007e15 BOPs", d.Message);
        Assert.True(Dsl.Parser.Semantics.Limits.Fits(-Dsl.Parser.Semantics.Limits.MaxInteger));
        Assert.False(Dsl.Parser.Semantics.Limits.Fits(-Dsl.Parser.Semantics.Limits.MaxInteger - 1.0));
    }

    [Fact]
    public void Token_schedules_a_single_count_a_fixed_plan_the_reduction_and_a_target_equal_to_the_full_cost()
    {
        Assert.Equal("@tokens prune needs one kept count per block (2) but has 1",
            Assert.Single(Compile(TokensTests.Vit("@tokens(prune: 17)")).Diagnostics).Message);
        var model = Single(Compile(TokensTests.Vit("@tokens(prune: [17, 9])")));
        var plans = TokenPlans(model);
        Assert.All(plans, p => Assert.False(p.Learned));
        var block = Compile(TokensTests.Vit("@tokens(prune: [17, 9])")).Blocks.Single();
        var reduce = (Dsl.Parser.Semantics.MethodCall)block.Forward.Single(s => s.Value is Dsl.Parser.Semantics.MethodCall { Function: "TokenBlock.Reduce" }).Value;
        // TokenBlock.Reduce(tokens, x): the block's share of the schedule, then the tokens.
        Assert.Equal("tokens", Assert.IsType<Dsl.Parser.Semantics.NameOperand>(reduce.Operands[0]).Name);
        Assert.IsType<Dsl.Parser.Semantics.TensorOperand>(reduce.Operands[1]);
        Assert.Equal(2, reduce.Operands.Count);
        // target: 1 is the full cost itself, which learned rates cannot aim at.
        Assert.StartsWith("@tokens target 0.000029 GMACs must be below the full cost", Assert.Single(Compile(TokensTests.Vit("@tokens(target: 1)")).Diagnostics).Message);
    }

    [Fact]
    public void A_layer_right_after_the_reduction_counts_per_kept_token()
    {
        // No norm before the MLP: its 2·8·16 = 256 MACs per token are all after the reduction.
        var source = TokensTests.Vit("@tokens(target: 0.9, granularity: 2)").Replace("(h -> layer_norm -> mlp(", "(h -> mlp(");
        var model = Single(Compile(source));
        var cost = TokenPlans(model)[0].Cost!;
        Assert.Equal((256.0, 16.0, 256.0), (cost.PerToken, cost.PerTokenPair, cost.PerTokenAfter));
    }
}
