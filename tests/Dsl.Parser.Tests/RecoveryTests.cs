using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// Every independent error is reported, in the user's terms and at the right place; nothing
/// is said about what could not be checked.
/// </summary>
public class RecoveryTests
{
    private static IReadOnlyList<string> Errors(string source) =>
        Compile(source).Diagnostics.Select(d => $"({d.Start.Line + 1},{d.Start.Character + 1}) {d.Id}: {d.Message}").ToList();

    [Fact]
    public void A_typo_does_not_hide_a_bad_argument_further_down()
    {
        var source = """
            model M {
                input x: [N, 4]
                a = x -> lienar(8)
                b = a -> relu
                c = x -> linear(8, bais: false)
                output c
            }
            """;
        Assert.Equal(new[]
        {
            "(3,14) CM0002: unknown layer or block 'lienar'; did you mean 'linear'?",
            "(5,24) CM0004: linear has no argument 'bais'; did you mean 'bias'?",
        }, Errors(source));
    }

    [Fact]
    public void Two_syntax_errors_in_one_model_are_both_reported_and_the_next_model_is_checked()
    {
        var source = """
            model A {
                input x: [N, 4]
                a = x -> linear(8 bias: false)
                b = x -> linear(8) +
                output b
            }
            model B {
                input x: [N, 4]
                output x -> lienar(2)
            }
            """;
        Assert.Equal(new[]
        {
            "(3,23) CM0001: missing ',' before 'bias'",
            "(4,24) CM0001: '+' cannot follow a pipeline, which takes everything after its '->'; put the pipeline in parentheses: (x -> ...) + ...",
            "(9,17) CM0002: unknown layer or block 'lienar'; did you mean 'linear'?",
        }, Errors(source));
    }

    [Fact]
    public void After_an_error_no_warning_claims_what_could_not_be_checked()
    {
        // The model is broken, so its use of block B and of @tokens cannot be seen.
        var source = """
            block B(dim: int) {
                input x: [N, T, dim]
                output x + (x -> layer_norm -> attention(2))
            }
            model M {
                input x: [N, 1, 16, 16]
                t = x -> patch_embed(dim: 8, patch: 4) -> cls_tokn
                t = t -> repeat(2) { B(8) } @tokens(prune: [17, 9])
                output t -> cls_select -> linear(3)
            }
            """;
        Assert.Equal(new[] { "(7,47) CM0002: unknown layer or block 'cls_tokn'; did you mean 'cls_token'?" }, Errors(source));
        Assert.Equal(new[] { "(2,20) CM0001: missing '}' to close the body of block 'B' at (1,9)" }, Errors("block B {\n    input x: [N, 4]\nmodel M {\n    input x: [N, 4]\n    output x\n}"));
        Assert.DoesNotContain(Errors("model M {\n    input x: [N, 4]\n    output x -> (\n}"), e => e.Contains("CM0015") || e.Contains("CM0028"));
    }

    [Theory]
    [InlineData("    h = x -> linear(8)\n        relu\n    output h", 4, 9, "missing '->' before 'relu'")]
    [InlineData("    h = x -> linear(8)\n        batch_norm(affine: true)\n    output h", 4, 9, "missing '->' before 'batch_norm'")]
    [InlineData("    output x linear(3)", 3, 14, "missing '->' before 'linear'")]
    [InlineData("    h -> relu\n    output h", 3, 5, "'h -> ...' is not a statement: bind it ('h = h -> ...') or return it ('output h -> ...')")]
    [InlineData("    output x -> linear(3\n", 3, 25, "missing ')' to close 'linear(' at (3,23)")]
    [InlineData("    output x -> repeat(2) { linear(4) relu }", 3, 39, "missing '->' before 'relu'")]
    [InlineData("    output x -> linear(3,)", 3, 26, "expected an argument, found ')'")]
    [InlineData("    output x -> linear(out_features:)", 3, 37, "expected a value for 'out_features:', found ')'")]
    [InlineData("    output x -> dropout(0.2); ", 3, 29, "';' is not needed: statements end at the next statement")]
    [InlineData("    output x -> linear(8 // 2)", 3, 26, "'//' starts a comment, so the rest of this line is ignored; to divide, write '/' (sizes must divide evenly), or put a space after the value and write the comment in words")]
    [InlineData("    output x -> linear(٣)", 3, 24, "'٣' is not an ASCII digit; numbers are written with 0-9")]
    [InlineData("    output x ->", 4, 1, "expected a layer, a block or 'repeat' after '->', found '}'")]
    public void Syntax_errors_say_what_is_wrong_where_it_is(string body, int line, int column, string message)
    {
        var result = Compile("model M {\n    input x: [N, 4]\n" + body + "\n}");
        var d = Assert.Single(result.Diagnostics, d => d.Message == message);
        Assert.Equal(("CM0001", line, column), (d.Id, d.Start.Line + 1, d.Start.Character + 1));
        // Whatever else is reported is a consequence on the same line, never a cascade below it.
        Assert.All(result.Diagnostics, other => Assert.Equal(line, other.Start.Line + 1));
    }

    [Fact]
    public void A_comment_after_a_value_is_still_a_comment()
    {
        var model = Single(Compile("model M {\n    input x: [N, 4]\n    output x -> linear(8) // the head\n}"));
        Assert.Equal("[N, 8]", model.Cost.Output.ToString());
    }

    [Fact]
    public void A_string_is_a_word_argument_and_an_error_where_a_number_is_expected()
    {
        Assert.Equal("[N, 3, 9, 9]", Single(Compile("model M {\n    input x: [N, 3, 9, 9]\n    output x -> conv2d(3, kernel: 3, padding: 1, padding_mode: \"reflect\")\n}")).Cost.Output.ToString());
        var d = Assert.Single(Compile("model M {\n    input x: [N, 4]\n    output x -> dropout(p: \"0.2\")\n}").Diagnostics);
        Assert.Equal(("CM0024", 3, 28), (d.Id, d.Start.Line + 1, d.Start.Character + 1));
        Assert.Equal("expected a number but '\"0.2\"' is a string; only word arguments such as padding_mode: \"reflect\" take strings (write numbers without quotes)", d.Message);
    }

    [Theory]
    [InlineData(1000, "(", ")")]
    [InlineData(1000, "[", "]")]
    [InlineData(1000, "-", "")]
    public void Deep_nesting_is_one_located_error(int depth, string open, string close)
    {
        var source = "model M {\n    input x: [N, 4]\n    output x -> linear(" + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + ")\n}";
        var d = Assert.Single(OnGeneratorStack(source).Diagnostics);
        Assert.Equal("this expression nests more than 100 levels (brackets, repeats and operator chains); split it into named steps", d.Message);
        Assert.Equal(3, d.Start.Line + 1);
    }

    [Fact]
    public void Long_operator_chains_and_repeats_are_bounded_too()
    {
        var chain = "model M {\n    input x: [N, 4]\n    output x" + string.Concat(Enumerable.Repeat(" + x", 3000)) + "\n}";
        Assert.Contains("nests more than 100 levels", Assert.Single(OnGeneratorStack(chain).Diagnostics).Message);
        var repeats = "model M {\n    input x: [N, 4]\n    output x -> " + string.Concat(Enumerable.Repeat("repeat(1) { ", 1000)) + "relu" + string.Concat(Enumerable.Repeat(" }", 1000)) + "\n}";
        Assert.Contains("nests more than 100 levels", Assert.Single(OnGeneratorStack(repeats).Diagnostics).Message);
        var ninety = "model M {\n    input x: [N, 4]\n    output x" + string.Concat(Enumerable.Repeat(" + x", 90)) + "\n}";
        Assert.Equal("[N, 4]", Single(OnGeneratorStack(ninety)).Cost.Output.ToString());
    }

    [Fact]
    public void Unclosed_brackets_end_in_errors_not_in_backtracking()
    {
        var shapes = "model M {\n    input x: [N, " + string.Concat(Enumerable.Repeat("[N, ", 20)) + "\n}";
        Assert.Contains(OnGeneratorStack(shapes).Diagnostics, d => d.Id == "CM0001");
        var lines = "model M {\n    input x: [N, 4]\n" + string.Concat(Enumerable.Repeat("    h = x -> linear(4, bias\n", 8)) + "    output x\n}";
        Assert.Equal(8, OnGeneratorStack(lines).Diagnostics.Count(d => d.Message.StartsWith("missing ')' to close 'linear('", StringComparison.Ordinal)));
    }
}
