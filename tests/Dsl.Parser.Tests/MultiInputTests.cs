using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Blocks with several inputs: the first flows in through '->', the others are passed by name.</summary>
public class MultiInputTests
{
    private const string Up = """
        block Up(channels: int) {
            input x: [N, C, H, W]
            input skip: [N, S, H * 2, W * 2]
            h = x -> upsample(2)
            output concat(h, skip, dim: 1) -> conv2d(channels, kernel: 3, padding: 1)
        }

        """;

    [Fact]
    public void A_decoder_step_concatenates_the_skip_and_costs_its_convolution()
    {
        var model = Single(Compile(Up + """
            model M {
                input x: [N, 4, 16, 16]
                e = x -> conv2d(6, kernel: 3, stride: 2, padding: 1)
                output e -> Up(5, skip: x)
            }
            """));
        Assert.Equal("[N, 5, 16, 16]", model.Cost.Output.ToString());
        // The convolution sees 6 upsampled + 4 skip channels: 16·16·5 outputs × 10 · 3·3.
        Assert.Equal(16 * 16 * 5 * 10 * 9, model.Cost.Layers.Single(l => l.Path == "up.conv2d").Macs);
        var apply = model.Class.Forward.Select(f => f.Value).OfType<Dsl.Parser.Semantics.ApplyField>().Single(f => f.Layer == "Up");
        Assert.Single(apply.ExtraInputs!);
        Assert.Equal(new[] { "x", "skip" }, Compile(Up + "model M {\n    input x: [N, 4, 16, 16]\n    output x -> conv2d(4, kernel: 2, stride: 2) -> Up(5, skip: x)\n}").Blocks.Single().InputNames);
    }

    [Theory]
    [InlineData("output e -> Up(5)", 4, 17, "CM0006", "Up needs argument 'skip' (a tensor: its input 'skip', as in Up(..., skip: h))")]
    [InlineData("output e -> Up(5, skip: e)", 4, 17, "CM0010", "block Up expects [N, S, H * 2, W * 2] with dimension 2 = 16 but got [N, 6, 8, 8]")]
    [InlineData("output e -> repeat(2) { Up(5, skip: x) }", 4, 29, "CM0010", "block 'Up' takes several inputs, so it cannot be repeated (a repeat passes one tensor from copy to copy); call it once per copy")]
    [InlineData("output e -> Up(5, skip: x, skip: x)", 4, 32, "CM0008", "argument 'skip' of Up is given more than once")]
    public void Mistakes_are_located(string statement, int line, int column, string id, string message)
    {
        var result = Compile(Up + "model M {\n    input x: [N, 4, 16, 16]\n    e = x -> conv2d(6, kernel: 3, stride: 2, padding: 1)\n    " + statement + "\n}");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((id, line + 6, column, message), (d.Id, d.Start.Line + 1, d.Start.Character + 1, d.Message));
    }

    [Fact]
    public void A_model_takes_several_inputs_and_each_needs_known_dimensions()
    {
        Assert.False(Compile("model M {\n    input x: [N, 4]\n    input y: [N, 4]\n    output x + y\n}").HasErrors);
        var d = Assert.Single(Compile("model M {\n    input x: [N, 4]\n    input y: [N, K]\n    output x\n}").Diagnostics, d => d.IsError);
        Assert.Equal(("CM0020", 3), (d.Id, d.Start.Line + 1));
    }
}
