using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>How cost figures read: the scaled units of cmodel cost and of the methods' footnotes.</summary>
public class CostTextTests
{
    [Theory]
    [InlineData(0, "MACs", "0 MACs")]
    [InlineData(999, "MACs", "999 MACs")]
    [InlineData(10_000, "MACs", "10.00 KMACs")]
    [InlineData(12_346, "MACs", "12.35 KMACs")]
    [InlineData(100_000, "MACs", "100.0 KMACs")]
    [InlineData(123_456, "MACs", "123.5 KMACs")]
    [InlineData(1_500_000_000_000, "MACs", "1500.0 GMACs")]
    [InlineData(1_000, "MACs", "1.000 KMACs")]
    [InlineData(12_340, "MACs", "12.34 KMACs")]
    [InlineData(123_400, "MACs", "123.4 KMACs")]
    [InlineData(999_999, "MACs", "1.000 MMACs")]
    [InlineData(999_949, "MACs", "999.9 KMACs")]
    [InlineData(1_000_000, "MACs", "1.000 MMACs")]
    [InlineData(2_905_000_000, "MACs", "2.905 GMACs")]
    [InlineData(8_050_000, "BOPs", "8.050 MBOPs")]
    [InlineData(420_000, "OPs", "420.0 KOPs")]
    [InlineData(22_050_000, "parameters", "22.05 M parameters")]
    [InlineData(5, "parameters", "5 parameters")]
    public void Figures_take_a_prefix_and_three_significant_decimals(long value, string unit, string expected)
    {
        Assert.Equal(expected, Costs.CostText.Scaled(value, unit));
    }

    [Fact]
    public void Whole_figures_are_grouped_by_thousands()
    {
        Assert.Equal("9,007,199,254,740,991", Costs.CostText.Group(9_007_199_254_740_991));
    }

    [Fact]
    public void The_pruning_footnote_gives_the_nonzero_share_of_the_parameters()
    {
        // 72 + 36 of 136 + 36 parameters: 108 of 172, 62.8 %.
        var report = Single(Compile(Model("16", "linear(8) @prune(amount: 0.5) -> relu -> linear(4)"))).Cost;
        Assert.Equal("pruned: 108 of 172 parameters nonzero (62.8 %)", PruneMetrics.NonzeroWeights.Footnote!(report));
        Assert.Equal(("nonzero", "nonzero", "NonzeroParameters", true), (PruneMetrics.NonzeroWeights.Key, PruneMetrics.NonzeroWeights.Column, PruneMetrics.NonzeroWeights.ConstantName, PruneMetrics.NonzeroWeights.Whole));
    }
}
