using Dsl.Parser.Semantics;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// What the compiler works out for the runtime's factories from the input shape (in_features,
/// in_channels, dim, tokens, ...): each layer's construction carries it, with the value the
/// shape gives.
/// </summary>
public class InferredArgumentTests
{
    private static long Inferred(string input, string stages, string layer, string argument)
    {
        var model = Single(Compile(Model(input, stages)));
        var construction = model.Class.Fields.Select(f => f.Construction).OfType<LayerConstruction>().Single(c => c.Layer == layer);
        var arg = construction.Args.Single(a => a.Name == argument);
        return (long)((ConstExpr)((ScalarCode)arg.Value).Expr).Value;
    }

    [Theory]
    [InlineData("12", "linear(5)", "linear", "in_features", 12)]
    [InlineData("3, 8, 8", "conv2d(6, kernel: 3)", "conv2d", "in_channels", 3)]
    [InlineData("3, 8", "conv1d(6, kernel: 3)", "conv1d", "in_channels", 3)]
    [InlineData("5, 8, 8", "conv_transpose2d(6, kernel: 2, stride: 2)", "conv_transpose2d", "in_channels", 5)]
    [InlineData("3, 16, 16", "patch_embed(dim: 8, patch: 4)", "patch_embed", "in_channels", 3)]
    [InlineData("3, 16, 16", "patch_embed(dim: 8, patch: 4) -> cls_token", "cls_token", "dim", 8)]
    [InlineData("3, 16, 16", "patch_embed(dim: 8, patch: 4) -> cls_token -> pos_embed", "pos_embed", "tokens", 17)]
    [InlineData("3, 16, 16", "patch_embed(dim: 8, patch: 4) -> cls_token -> pos_embed", "pos_embed", "dim", 8)]
    [InlineData("9, 6", "attention(2)", "attention", "dim", 6)]
    [InlineData("9, 6", "mlp(hidden: 12)", "mlp", "in_features", 6)]
    [InlineData("4, 8, 8", "batch_norm", "batch_norm", "num_features", 4)]
    [InlineData("9, 6", "layer_norm", "layer_norm", "normalized_shape", 6)]
    public void Each_layer_gets_the_sizes_its_input_gives(string input, string stages, string layer, string argument, long expected)
    {
        Assert.Equal(expected, Inferred(input, stages, layer, argument));
    }
}
