using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// Numbers past 2^53 − 1, and sizes or costs that would overflow 64 bits, are located errors
/// (CM0033); nothing wraps, nothing is negative, nothing throws.
/// </summary>
public class LimitTests
{
    [Theory]
    [InlineData("model M { input x: [N, 4] output x -> linear(99999999999999999999999) }", 46, "99999999999999999999999 is too large")]
    [InlineData("model M { input x: [N, 4] output x -> linear(9007199254740992) }", 46, "9007199254740992 is too large")]
    [InlineData("model M(classes: int = 99999999999999999999) { input x: [N, 4] output x -> linear(classes) }", 24, "99999999999999999999 is too large")]
    [InlineData("model M(scale: float = -1e400) { input x: [N, 4] output x }", 25, "-1e400 is too large")]
    [InlineData("model M { input x: [N, 4, 8] output x -> conv1d(9223372036854775807, 1) }", 49, "9223372036854775807 is too large")]
    [InlineData("model M { input x: [N, 4294967296, 4294967296] output x -> flatten -> linear(2) }", 60, "flatten on [N, 4294967296, 4294967296] gives sizes or costs past 64 bits")]
    [InlineData("model M { input x: [N, 3037000500, 3037000500] output x -> flatten }", 60, "flatten on [N, 3037000500, 3037000500] gives sizes or costs past 64 bits")]
    [InlineData("model M { input x: [N, 4, 8, 8] output x -> pixel_shuffle(4294967296) }", 45, "pixel_shuffle on [N, 4, 8, 8] gives sizes or costs past 64 bits")]
    [InlineData("model M { input x: [N, 4] output x -> linear(100000000) -> linear(100000000) }", 60, "linear on [N, 100000000] gives 10,000,000,000,000,000 MACs")]
    [InlineData("model M(w: int = 100000000) { input x: [N, 4] output x -> linear(w * w) }", 66, "100000000 * 100000000 is 1e16")]
    public void Past_the_limit_is_a_located_error(string source, int column, string message)
    {
        var result = Compile(source);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("CM0033", 1, column), (d.Id, d.Start.Line + 1, d.Start.Character + 1));
        Assert.Equal($"{message}; CModel accepts integers, sizes and costs up to 9,007,199,254,740,991 (2^53 − 1)", d.Message);
        Assert.Empty(result.Models);
    }

    [Fact]
    public void A_model_whose_layers_fit_but_whose_total_does_not_is_an_error_at_its_name()
    {
        // Each linear costs 4·10^15 MACs (under 2^53 ≈ 9.007·10^15); three of them do not fit.
        var result = Compile("model Big { input x: [N, 40000000] output x -> linear(100000000) -> linear(40000000) -> linear(100000000) }");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("CM0033", 7), (d.Id, d.Start.Character + 1));
        Assert.StartsWith("model 'Big' totals 1.2e16 MACs", d.Message);
    }

    [Fact]
    public void The_largest_accepted_figures_compile_exactly()
    {
        // 2^26 · 2^26 = 2^52 MACs and 2^52 + 2^26 parameters: within the limit, exact.
        var model = Single(Compile("model M { input x: [N, 67108864] output x -> linear(67108864) }"));
        Assert.Equal(1L << 52, model.Cost.Macs);
        Assert.Equal((1L << 52) + (1L << 26), model.Cost.Params);
    }
}

/// <summary>The limit itself is accepted and the next integer refused.</summary>
public class LimitBoundaryTests
{
    [Fact]
    public void Two_to_the_53_minus_1_is_the_largest_integer_accepted()
    {
        Assert.Empty(Compile("model M(c: int = 9007199254740991) { input x: [N, 4] output x -> relu }").Diagnostics);
        Assert.Empty(Compile("model M(c: int = -9007199254740991) { input x: [N, 4] output x -> relu }").Diagnostics);
        Assert.Equal("CM0033", Assert.Single(Compile("model M(c: int = -9007199254740992) { input x: [N, 4] output x -> relu }").Diagnostics).Id);
        Assert.True(Dsl.Parser.Semantics.Limits.Fits(Dsl.Parser.Semantics.Limits.MaxInteger));
        Assert.False(Dsl.Parser.Semantics.Limits.Fits(Dsl.Parser.Semantics.Limits.MaxInteger + 1.0));
    }

    [Fact]
    public void Elements_per_sample_and_parameter_totals_have_the_limit_too()
    {
        // 10^8 · 10^8 = 10^16 elements, above 2^53 − 1 though each size fits.
        var elements = Assert.Single(Compile("model M { input x: [N, 100000000, 100000000] output x -> relu }").Diagnostics);
        Assert.Equal("CM0033", elements.Id);
        Assert.StartsWith("relu on [N, 100000000, 100000000] gives 1e16 elements per sample", elements.Message);
        // Each pos_embed holds 2^26 · 2^26 = 2^52 parameters and costs nothing; two hold 2^53.
        var total = Assert.Single(Compile("model Big { input x: [N, 67108864, 67108864] output x -> pos_embed -> pos_embed as second }").Diagnostics);
        Assert.StartsWith("model 'Big' totals 9.007e15 parameters", total.Message);
    }
}

/// <summary>Figures exactly at 2^53 − 1 are accepted at every check; one past it is named for what it is.</summary>
public class LimitEdgeTests
{
    [Fact]
    public void A_layer_and_a_model_at_exactly_the_limit_compile()
    {
        // 2^53 − 1 = 6361 · 1416003655831: a linear without bias has exactly that many MACs and parameters.
        var model = Single(Compile("model M { input x: [N, 6361] output x -> linear(1416003655831, bias: false) }"));
        Assert.Equal(Dsl.Parser.Semantics.Limits.MaxInteger, model.Cost.Macs);
        Assert.Equal(Dsl.Parser.Semantics.Limits.MaxInteger, model.Cost.Params);
        // A dimension of 2^53 − 1 is also that many elements per sample.
        Assert.Empty(Compile("model M { input x: [N, 9007199254740991] output x -> relu }").Diagnostics);
    }

    [Fact]
    public void A_model_of_exactly_2_to_the_53_minus_1_bit_operations_compiles()
    {
        // 2^53 − 1 = 6361 · 1416003655831 = 6361 · (4 · 354000913951 + 9 · 3): a W2A2 linear of
        // 354000913951 · 6361 MACs at 4 BOPs each, then a W3A3 linear of 6361 · 3 MACs at 9.
        var model = Single(Compile("model M { input x: [N, 354000913951] output x -> linear(6361, bias: false) @quant(w: 2, a: 2) -> linear(3, bias: false) @quant(w: 3, a: 3) }"));
        Assert.Equal(Dsl.Parser.Semantics.Limits.MaxInteger, model.Cost.Bops());
    }

    [Fact]
    public void A_dimension_past_the_limit_is_named_as_a_dimension()
    {
        // Flattening 2 · 2^52 gives one dimension of 2^53.
        var d = Assert.Single(Compile("model M { input x: [N, 2, 4503599627370496] output x -> flatten }").Diagnostics);
        Assert.Equal("CM0033", d.Id);
        Assert.StartsWith("flatten on [N, 2, 4503599627370496] gives a dimension of 9007199254740992;", d.Message);
    }

    [Fact]
    public void A_layer_past_the_parameter_limit_names_its_parameters()
    {
        // linear(2^52 + 1) on one feature: as many MACs and outputs (within the limit), twice as
        // many parameters with the bias (past it).
        var d = Assert.Single(Compile("model M { input x: [N, 1] output x -> linear(4503599627370497) }").Diagnostics);
        Assert.Equal("CM0033", d.Id);
        Assert.StartsWith("linear on [N, 1] gives 9,007,199,254,740,994 parameters;", d.Message);
    }
}
