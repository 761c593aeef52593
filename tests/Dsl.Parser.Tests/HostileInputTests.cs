using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// The smallest reproducers fuzzing found (crashes, hangs, wrapped figures, code that would not
/// compile): each ends in a located error or a correct result, on a generator-sized stack.
/// </summary>
public class HostileInputTests
{
    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    public static TheoryData<string, string> Reproducers => new()
    {
        { "model M { input x: [N, ٣] output x }", "CM0001" },
        { "model M { input x: [N, 4294967296, 4294967296] output x -> flatten -> linear(2) }", "CM0033" },
        { "model M { input x: [N, 4, 8, 8] output x -> pixel_shuffle(4294967296) }", "CM0033" },
        { "block B(s: int, s: int) {}\nmodel M { input x: [N, 4] output x }", "CM0036" },
        { "model M { input x: [N, 4] output x -> linear(4000000000000000000) -> layer_norm }", "CM0033" },
        { "model M { input x: [N, 4] output x -> linear(" + Repeat("(", 1000) + "1" + Repeat(")", 1000) + ") }", "CM0001" },
        { "model M { input x: [N, 4] output x -> linear(" + Repeat("[", 1000) + "1" + Repeat("]", 1000) + ") }", "CM0001" },
        { "model M { input x: [N, 4] output x -> " + Repeat("repeat(1) { ", 1000) + "relu" + Repeat(" }", 1000) + " }", "CM0001" },
        { "model M { input x: [N, 4] output x" + Repeat(" + x", 3000) + " }", "CM0001" },
        { "model M { input x: [N, 4, 8] output x -> conv1d(9223372036854775807, 1) }", "CM0033" },
        { "model M { input x: [N, 3037000500, 3037000500] output x -> flatten }", "CM0033" },
        { "model M(classes: int = 99999999999999999999) { input x: [N, 4] output x -> linear(classes) }", "CM0033" },
        { "model M { input x: [N, 4] output x -> linear(1" + new string('0', 400) + ") }", "CM0033" },
        { "model M { input x: [N, " + Repeat("[N, ", 20), "CM0001" },
        { "model M { input x: [N, 4]\n" + Repeat("    h = x -> linear(4, bias\n", 8) + "    output x\n}", "CM0001" },
        { "model M { input x: [N, 4] output x -> repeat(10000) { repeat(10000) { relu } } }", "CM0038" },
        { "model class { input x: [N, 4] output x -> relu }", "CM0022" },
        { "model M { input x: [N, 4] output x -> relu as Macs }", "CM0022" },
        { "model M { input x: [N, 4] output x -> linear(4) as forward }", "CM0022" },
        { "block M { input x: [N, 4] output x }\nmodel m { input x: [N, 4] output x -> M }", "CM0022" },
        { "block TokenBlock { input x: [N, 4] output x }\nmodel M { input x: [N, 4] output x -> TokenBlock }", "CM0022" },
    };

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void Ends_in_a_located_error(string source, string id)
    {
        var result = OnGeneratorStack(source);
        Assert.Contains(result.Diagnostics, d => d.Id == id);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "CM0037");
        Assert.All(result.Diagnostics, d => Assert.InRange(d.Span.End, 0, source.Length));
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Three_thousand_models_and_a_huge_name_are_fine()
    {
        var many = string.Join("\n", Enumerable.Range(0, 3000).Select(i => $"model M{i} {{ input x: [N, 4] output x -> relu }}"));
        Assert.Equal(3000, OnGeneratorStack(many).Models.Count);
        var name = new string('q', 30_000);
        Assert.Equal($"unknown layer or block '{name}'", Assert.Single(OnGeneratorStack(Model("4", name)).Diagnostics).Message);
    }

    [Fact]
    public void Classic_mac_line_endings_locate_errors_on_their_line()
    {
        var d = Assert.Single(Compile("model M {\r    input x: [N, 4]\r    output x -> lienar(2)\r}\r").Diagnostics);
        Assert.Equal((3, 17), (d.Start.Line + 1, d.Start.Character + 1));
    }
}
