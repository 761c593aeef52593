using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Shapes and costs of each layer, from PyTorch's formulas and LANGUAGE.md's cost rule.</summary>
public class BindingTests
{
    private static (string Shape, long Macs, long Params) Layer(string input, string stage)
    {
        var model = Single(Compile(Model(input, stage)));
        return (model.Cost.Output.ToString(), model.Cost.Macs, model.Cost.Params);
    }

    [Theory]
    // linear: in·out MACs per token; in·out + out parameters.
    [InlineData("64", "linear(10)", "[N, 10]", 640, 650)]
    [InlineData("5, 64", "linear(10, bias: false)", "[N, 5, 10]", 3200, 640)]
    // conv2d: output elements × in/groups × kernel volume; ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1.
    [InlineData("3, 32, 32", "conv2d(16, kernel: 3)", "[N, 16, 30, 30]", 16 * 30 * 30 * 3 * 9, 16 * 27 + 16)]
    [InlineData("8, 32, 32", "conv2d(16, kernel: 3, stride: 2, padding: 1, groups: 4)", "[N, 16, 16, 16]", 16 * 16 * 16 * 2 * 9, 16 * 2 * 9 + 16)]
    [InlineData("4, 10, 12", "conv2d(4, kernel: [3, 5], dilation: 2, bias: false)", "[N, 4, 6, 4]", 4 * 6 * 4 * 4 * 15, 4 * 4 * 15)]
    [InlineData("2, 20", "conv1d(3, kernel: 5)", "[N, 3, 16]", 3 * 16 * 2 * 5, 3 * 10 + 3)]
    [InlineData("2, 8, 8, 8", "conv3d(4, kernel: 3, padding: 1)", "[N, 4, 8, 8, 8]", 4 * 512 * 2 * 27, 4 * 54 + 4)]
    // conv_transpose2d: (L−1)s − 2p + d(k−1) + output_padding + 1; output elements × in × kernel volume.
    [InlineData("8, 7, 7", "conv_transpose2d(4, kernel: 3, stride: 2, padding: 1, output_padding: 1)", "[N, 4, 14, 14]", 4 * 14 * 14 * 8 * 9, 8 * 4 * 9 + 4)]
    [InlineData("6, 5, 5", "batch_norm", "[N, 6, 5, 5]", 0, 12)]
    [InlineData("6, 5, 5", "instance_norm", "[N, 6, 5, 5]", 0, 0)]
    [InlineData("7, 12", "layer_norm", "[N, 7, 12]", 0, 24)]
    [InlineData("6, 5, 5", "group_norm(3)", "[N, 6, 5, 5]", 0, 12)]
    [InlineData("6, 5, 5", "prelu(num_parameters: 6)", "[N, 6, 5, 5]", 0, 6)]
    [InlineData("3, 9, 9", "max_pool2d(2)", "[N, 3, 4, 4]", 0, 0)]
    [InlineData("3, 9, 9", "max_pool2d(2, ceil_mode: true)", "[N, 3, 5, 5]", 0, 0)]
    [InlineData("3, 9, 9", "avg_pool2d(3, stride: 2, padding: 1)", "[N, 3, 5, 5]", 0, 0)]
    [InlineData("3, 4, 9, 9", "max_pool3d(2)", "[N, 3, 2, 4, 4]", 0, 0)]
    [InlineData("3, 9, 9", "adaptive_avg_pool2d([2, 3])", "[N, 3, 2, 3]", 0, 0)]
    [InlineData("3, 4, 9, 9", "adaptive_avg_pool3d(1)", "[N, 3, 1, 1, 1]", 0, 0)]
    [InlineData("3, 4, 5", "flatten", "[N, 60]", 0, 0)]
    [InlineData("3, 4, 5", "flatten(start_dim: 2)", "[N, 3, 20]", 0, 0)]
    [InlineData("12, 4, 5", "pixel_shuffle(2)", "[N, 3, 8, 10]", 0, 0)]
    [InlineData("3, 4, 5", "upsample(2, mode: bilinear)", "[N, 3, 8, 10]", 0, 0)]
    [InlineData("3, 4, 5", "reflection_pad2d([1, 2, 3, 0])", "[N, 3, 7, 8]", 0, 0)]
    [InlineData("3, 4, 5", "dropout(0.1) -> gelu -> silu -> sigmoid -> tanh -> leaky_relu -> hardtanh -> softmax -> relu", "[N, 3, 4, 5]", 0, 0)]
    // ViT layers in timm's layout.
    [InlineData("3, 32, 32", "patch_embed(dim: 8, patch: 16)", "[N, 4, 8]", 4 * 8 * 3 * 256, 8 * 3 * 256 + 8)]
    [InlineData("4, 8", "cls_token -> pos_embed", "[N, 5, 8]", 0, 8 + 40)]
    [InlineData("5, 8", "attention(2)", "[N, 5, 8]", 4 * 5 * 64 + 2 * 25 * 8, 3 * 64 + 24 + 64 + 8)]
    [InlineData("5, 8", "mlp(hidden: 32)", "[N, 5, 8]", 5 * (8 * 32 + 32 * 8), 8 * 32 + 32 + 32 * 8 + 8)]
    [InlineData("5, 8", "cls_select", "[N, 8]", 0, 0)]
    public void Layer_shapes_and_costs(string input, string stage, string shape, long macs, long parameters)
    {
        Assert.Equal((shape, macs, parameters), Layer(input, stage));
    }

    [Fact]
    public void Blocks_bind_their_input_symbols_to_the_callers_dimensions()
    {
        var result = Compile("""
            block Widen(out: int) {
                input x: [N, C, H, W]
                output x -> conv2d(out, kernel: 1) -> max_pool2d(2)
            }
            model M {
                input x: [N, 3, 8, 8]
                output x -> Widen(16) -> Widen(32)
            }
            """);
        var model = Single(result);
        Assert.Equal("[N, 32, 2, 2]", model.Cost.Output.ToString());
        Assert.Equal(16 * 3 + 16 + 32 * 16 + 32, model.Cost.Params);
        Assert.Equal(new[] { "widen.conv2d", "widen.max_pool2d", "widen_1.conv2d", "widen_1.max_pool2d" }, model.Cost.Layers.Select(l => l.Path));
    }

    [Fact]
    public void Block_dimensions_named_after_parameters_are_checked()
    {
        var result = Compile("""
            block B(dim: int) {
                input x: [N, T, dim]
                output x -> layer_norm
            }
            model M {
                input x: [N, 4, 8]
                output x -> B(16)
            }
            """);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("CM0010", error.Id);
        Assert.Equal("block B expects [N, T, dim] with dimension 2 = 16 but got [N, 4, 8]", error.Message);
    }

    [Fact]
    public void Repeat_copies_chain_their_shapes_and_each_has_its_own_weights()
    {
        var model = Single(Compile(Model("3, 8, 8", "repeat(3) { conv2d(4, kernel: 3, padding: 1) -> relu }")));
        Assert.Equal((4 * 3 * 9 + 4) + 2 * (4 * 4 * 9 + 4), model.Cost.Params);
        Assert.Equal("repeat.2.relu", model.Cost.Layers.Last().Path);
    }

    [Fact]
    public void Parameter_arithmetic_and_defaults_flow_into_layers()
    {
        var model = Single(Compile("""
            model M(width: int = 6, ratio: int = 2) {
                input x: [N, width * 2]
                output x -> linear(width * ratio / 3)
            }
            """));
        Assert.Equal("[N, 4]", model.Cost.Output.ToString());
        Assert.Equal(12 * 4 + 4, model.Cost.Params);
    }

    [Fact]
    public void Broadcasting_follows_pytorch()
    {
        var model = Single(Compile("""
            model M {
                input x: [N, 3, 4, 4]
                s = x -> adaptive_avg_pool2d(1)
                output x * s + x * 0.5
            }
            """));
        Assert.Equal("[N, 3, 4, 4]", model.Cost.Output.ToString());
    }

    [Fact]
    public void Concat_adds_the_joined_dimension()
    {
        var model = Single(Compile("model K {\n input x: [N, 3, 4, 4]\n output concat(x, x -> conv2d(5, kernel: 1), dim: 1)\n}"));
        Assert.Equal("[N, 8, 4, 4]", model.Cost.Output.ToString());
    }

    [Fact]
    public void Stack_adds_a_dimension_and_a_linear_over_it_counts_every_slice_without_a_warning()
    {
        // Three [N, 5, 8] sequences stacked at 1: [N, 3, 5, 8]; a linear 8 → 4 over 3·5 rows is 3·5·8·4 MACs,
        // and its output keeps the features last, so a second linear is not taken for a feature map either.
        var result = Compile("model K {\n input x: [N, 5, 8]\n h = stack(x, x -> relu, -x, dim: 1)\n output h -> linear(4) -> linear(2)\n}");
        Assert.Empty(result.Diagnostics);
        var model = Single(result);
        Assert.Equal("[N, 3, 5, 2]", model.Cost.Output.ToString());
        Assert.Equal(3 * 5 * 8 * 4 + 3 * 5 * 4 * 2, model.Cost.Macs);
        Assert.Equal("[N, 5, 8, 2]", Single(Compile("model K {\n input x: [N, 5, 8]\n output stack(x, x, dim: -1)\n}")).Cost.Output.ToString());
    }

    [Theory]
    [InlineData("stack(x, x -> linear(4), dim: 1)", "stack needs tensors of one shape but got [N, 5, 8] and [N, 5, 4]")]
    [InlineData("stack(x, x, dim: 4)", "between 1 and 3 for [N, 5, 8]")]
    [InlineData("stack(x)", "two or more tensors")]
    [InlineData("x -> stack", "write `stack(a, b, dim: 1)` as an expression")]
    public void Stack_is_checked(string expression, string expected)
    {
        var d = Assert.Single(Compile($"model K {{\n input x: [N, 5, 8]\n output {expression}\n}}").Diagnostics, d => d.IsError);
        Assert.Contains(expected, d.Message);
    }
}
