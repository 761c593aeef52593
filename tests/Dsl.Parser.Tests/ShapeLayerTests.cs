using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>reshape, permute, transpose, mean, upsample(size:), drop_path, relu6, hardswish, linear on any rank.</summary>
public class ShapeLayerTests
{
    [Theory]
    [InlineData("4, 6, 8", "reshape([-1, 4])", "[N, 48, 4]")]
    [InlineData("4, 6, 8", "reshape([8, 24])", "[N, 8, 24]")]
    [InlineData("4, 6, 8", "reshape(192)", "[N, 192]")]
    [InlineData("4, 6, 8", "permute([0, 2, 3, 1])", "[N, 6, 8, 4]")]
    [InlineData("4, 6, 8", "transpose(1, -1)", "[N, 8, 6, 4]")]
    [InlineData("17, 8", "mean(dim: 1)", "[N, 8]")]
    [InlineData("17, 8", "mean(dim: -2, keepdim: true)", "[N, 1, 8]")]
    [InlineData("3, 4, 4", "upsample(size: [5, 7], mode: bilinear)", "[N, 3, 5, 7]")]
    [InlineData("3, 4, 4", "upsample(size: 6)", "[N, 3, 6, 6]")]
    [InlineData("3, 4, 4", "upsample(2)", "[N, 3, 8, 8]")]
    [InlineData("4", "relu6 -> hardswish -> drop_path(0.1)", "[N, 4]")]
    public void Shapes_follow_pytorch(string input, string stages, string output)
    {
        var model = Single(Compile(Model(input, stages)));
        Assert.Equal(output, model.Cost.Output.ToString());
        Assert.Equal(0, model.Cost.Macs);
    }

    [Theory]
    [InlineData("4, 6, 8", "reshape([5, -1])", "reshape([5, -1]) cannot hold the 192 elements per sample of [N, 4, 6, 8]")]
    [InlineData("4, 6, 8", "reshape([-1, -1])", "argument 'shape' of reshape must be positive sizes with at most one -1 (inferred) but is [-1, -1]")]
    [InlineData("4, 6, 8", "permute([1, 0, 2, 3])", "argument 'dims' of permute must be an ordering of 0..3 for input [N, 4, 6, 8], starting with 0 (the batch stays first) but is [1, 0, 2, 3]")]
    [InlineData("4, 6, 8", "transpose(0, 1)", "argument 'dim0' of transpose must be between 1 and 3 (or -3 to -1) for input [N, 4, 6, 8]; the batch stays but is 0")]
    [InlineData("17, 8", "mean(dim: 0)", "argument 'dim' of mean must be between 1 and 2 (or -2 to -1) for input [N, 17, 8]; the batch stays but is 0")]
    [InlineData("3, 4, 4", "upsample(2, size: 8)", "upsample needs either scale_factor (upsample(2)) or size (upsample(size: [64, 64])), not both")]
    [InlineData("3, 4, 4", "upsample", "upsample needs either scale_factor (upsample(2)) or size (upsample(size: [64, 64])), not neither")]
    [InlineData("4", "drop_path", "drop_path needs argument 'p' (a number)")]
    public void Mistakes_are_located_errors(string input, string stages, string message)
    {
        var d = Assert.Single(Compile(Model(input, stages)).Diagnostics);
        Assert.True(d.IsError);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Linear_applies_to_any_leading_dimensions_and_warns_on_a_feature_map()
    {
        var result = Compile(Model("64, 7, 7", "linear(10)"));
        var model = Assert.Single(result.Models);
        Assert.Equal("[N, 64, 7, 10]", model.Cost.Output.ToString());
        // 64·7 positions, each 7 → 10.
        Assert.Equal(64 * 7 * 7 * 10, model.Cost.Macs);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(("CM0034", "linear applies over the last dimension (7) of [N, 64, 7, 7]; insert `flatten` (or a pool) first if you meant the features"), (warning.Id, warning.Message));
    }
}
