using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Checks no other test reached (found by Stryker): each gives its own message at its place.</summary>
public class DiagnosticEdgeTests
{
    [Theory]
    [InlineData("784", "conv2d(6, kernel: 3)", "conv2d expects [N, C, H, W] but got [N, 784]")]
    [InlineData("3, 8", "conv2d(6, kernel: 3)", "conv2d expects [N, C, H, W] but got [N, 3, 8]")]
    [InlineData("3, 8, 8", "conv1d(6, kernel: 3)", "conv1d expects [N, C, W] but got [N, 3, 8, 8]")]
    [InlineData("3, 8, 8", "conv3d(6, kernel: 3)", "conv3d expects [N, C, D, H, W] but got [N, 3, 8, 8]")]
    [InlineData("784", "conv_transpose2d(6, kernel: 2)", "conv_transpose2d expects [N, C, H, W] but got [N, 784]")]
    [InlineData("784", "patch_embed(dim: 8, patch: 4)", "patch_embed expects [N, C, H, W] but got [N, 784]")]
    [InlineData("784", "cls_token", "cls_token expects [N, T, C] but got [N, 784]")]
    [InlineData("784", "pos_embed", "pos_embed expects [N, T, C] but got [N, 784]")]
    [InlineData("784", "attention(2)", "attention expects [N, T, C] but got [N, 784]")]
    [InlineData("3, 8, 8", "mlp(hidden: 4)", "mlp expects [N, T, C] but got [N, 3, 8, 8]")]
    [InlineData("784", "cls_select", "cls_select expects [N, T, C] but got [N, 784]")]
    public void A_layer_given_the_wrong_rank_says_the_layout_it_expects(string input, string stages, string message)
    {
        var d = Assert.Single(Compile(Model(input, stages)).Diagnostics);
        Assert.Equal("CM0010", d.Id);
        Assert.Equal(message, d.Message);
    }

    [Theory]
    [InlineData("1, 1, 1", "conv_transpose2d(2, kernel: 1, padding: 1)", "CM0010", "conv_transpose2d gives an empty output for input [N, 1, 1, 1]")]
    [InlineData("1, 2, 2", "conv2d(1, kernel: 5, padding: 1)", "CM0010", "conv2d with kernel 5, stride 1, padding 1 needs each spatial size of [N, 1, 2, 2] to be at least 3")]
    [InlineData("9, 8", "attention(3)", "CM0025", "attention heads (3) must divide the width (8)")]
    [InlineData("9, 8", "linear(8) @tokens(target: 0.5, target_gmacs: 1)", "CM0103", "@tokens takes one target: target (a fraction) or target_gmacs")]
    [InlineData("8", "linear(8) @binarize(weights: false, activations: false)", "CM0301",
        "@binarize with neither weights nor activations changes nothing; drop it or exempt the layer with @exempt(binarize)")]
    public void Settings_that_cannot_work_are_refused_with_their_reason(string input, string stages, string id, string message)
    {
        var d = Assert.Single(Compile(Model(input, stages)).Diagnostics);
        Assert.Equal((id, message), (d.Id, d.Message));
    }

    [Fact]
    public void Tokens_entering_a_stack_as_an_image_are_refused_at_the_annotation()
    {
        var result = Compile(TokensTests.Vit("@tokens(prune: [9, 9], merge: [9, 9])").Replace("-> cls_token -> pos_embed", "-> cls_token -> pos_embed -> flatten"));
        Assert.Equal("test.cmodel(9,43): error CM0105: @tokens needs tokens [N, T, C] entering the blocks but they get [N, 136]", Errors(result));
    }

    [Fact]
    public void A_block_whose_attention_statement_does_not_give_tokens_cannot_reduce_them()
    {
        var result = Compile(TokensTests.Vit("@tokens(prune: [9, 9], merge: [9, 9])").Replace("h = x + (x -> layer_norm -> attention(2))", "h = (x + (x -> layer_norm -> attention(2))) -> flatten"));
        Assert.Equal("test.cmodel(3,5): error CM0109: @tokens reduces tokens [N, T, C] but 'h' is [N, 136] (in the call at (9,26))", Errors(result));
    }
}
