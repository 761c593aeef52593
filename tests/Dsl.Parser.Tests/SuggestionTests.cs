using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Suggestions follow meaning before spelling; errors inside a block name the call that reached them.</summary>
public class SuggestionTests
{
    [Theory]
    [InlineData("linear(3) @quant(weights: 4)", "@quant has no argument 'weights'; did you mean 'w'?")]
    [InlineData("linear(3) @quant(bits: 4)", "@quant has no argument 'bits'; did you mean 'w'?")]
    [InlineData("linear(3) @quant(w: 4, activations: 4)", "@quant has no argument 'activations'; did you mean 'a'?")]
    [InlineData("linear(3) @quant(wieght: per_tensor)", "@quant has no argument 'wieght'; did you mean 'weight'?")]
    [InlineData("dense(3)", "unknown layer or block 'dense'; did you mean 'linear'?")]
    [InlineData("relu_6", "unknown layer or block 'relu_6'; did you mean 'relu6'?")]
    [InlineData("swish", "unknown layer or block 'swish'; did you mean 'silu'?")]
    [InlineData("lineer(3)", "unknown layer or block 'lineer'; did you mean 'linear'?")]
    public void Suggestions_consider_meaning(string stages, string message)
    {
        var d = Assert.Single(Compile(Model("4", stages)).Diagnostics);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void A_very_long_name_gets_no_suggestion_and_no_quadratic_search()
    {
        var name = new string('a', 30_000);
        var d = Assert.Single(Compile(Model("4", name)).Diagnostics);
        Assert.Equal($"unknown layer or block '{name}'", d.Message);
    }

    [Fact]
    public void An_error_inside_a_block_names_the_call_that_reached_it()
    {
        var source = """
            model M {
                input x: [N, 3, 8, 8]
                h = x -> conv2d(4, kernel: 3)
                output h -> Head(10)
            }
            block Head(classes: int) {
                input x: [N, C, H, W]
                output x -> conv1d(classes, kernel: 3)
            }
            """;
        var result = Compile(source);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "CM0010");
        Assert.Equal((8, 17), (d.Start.Line + 1, d.Start.Character + 1));
        Assert.Equal("conv1d expects [N, C, W] but got [N, 4, 6, 6] (in the call at (4,17))", d.Message);
    }

    [Fact]
    public void Nested_calls_name_the_whole_chain()
    {
        var source = """
            block Inner(c: int) {
                input x: [N, C]
                output x -> linear(c / 3)
            }
            block Outer {
                input x: [N, C]
                output x -> Inner(4)
            }
            model M {
                input x: [N, 4]
                output x -> Outer
            }
            """;
        var d = Assert.Single(Compile(source).Diagnostics);
        Assert.Equal("4 / 3 does not divide evenly; sizes must be whole numbers (in the call at (7,17), called at (11,17))", d.Message);
    }
}
