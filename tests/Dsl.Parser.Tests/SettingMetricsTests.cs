using Dsl.Parser.Costs;
using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Metrics per setting (a figure per bit-width or per width), as a method with several settings reports them.</summary>
public class SettingMetricsTests
{
    [Fact]
    public void Each_setting_gets_its_own_metric_summed_over_the_layers_that_have_it()
    {
        // linear 16→8 (128 MACs) and 8→4 (32): at 2 bits 160·2·2 = 640 BOPs, at 4 bits 160·4·4 = 2,560.
        var model = Single(Compile(Model("16", "linear(8) @testbits(bits: [2, 4]) -> linear(4) @testbits(bits: [2, 4])"), TestQuantAnnotation.Catalog));
        var reported = model.Cost.Reported.ToList();
        Assert.Equal(new[] { "bops_w2a2", "bops_w4a4" }, reported.Select(m => m.Key));
        Assert.Equal(new[] { 640.0, 2_560.0 }, reported.Select(m => model.Cost.Total(m)));
        Assert.Equal(("BOPs w4a4", "BopsW4a4"), (reported[1].Column, reported[1].ConstantName));
        Assert.Same(LowBitMetrics.Bops, reported[0].Family);
        // The registered metrics stay in the report's list, first; the per-setting ones follow.
        Assert.Equal(model.Cost.Metrics.Count + 2, model.Cost.AllMetrics.Count);
    }

    [Fact]
    public void A_layer_without_the_setting_counts_what_the_family_counts_unmarked()
    {
        // Only the first linear lists 8 bits: 128·64 = 8,192; the second counts 0 BOPs, as unmarked.
        var model = Single(Compile(Model("16", "linear(8) @testbits(bits: [8]) -> linear(4)"), TestQuantAnnotation.Catalog));
        var at8 = Assert.Single(model.Cost.Reported);
        Assert.Equal((8_192.0, 0.0), (model.Cost.Layers[0].Metric(at8), model.Cost.Layers[1].Metric(at8)));
    }

    [Fact]
    public void A_setting_metric_is_named_after_its_family_and_setting()
    {
        var at = LowBitMetrics.Bops.At("w4__a4");
        Assert.Equal(("bops_w4__a4", "BOPs w4__a4", "BopsW4A4"), (at.Key, at.Column, at.ConstantName));
        Assert.Equal("BOPs per image at w4__a4", at.Label);
        Assert.EndsWith(", at w4__a4.", at.Summary);
        // A metric without a column (totals only) keeps none at a setting.
        Assert.Null(LowBitMetrics.Ops.At("w4a4").Column);
    }

    [Theory]
    [InlineData("a_0")]
    [InlineData("z9")]
    [InlineData("m")]
    public void Lower_case_letters_digits_and_underscores_make_a_setting(string setting) =>
        Assert.Equal("bops_" + setting, LowBitMetrics.Bops.At(setting).Key);

    [Theory]
    [InlineData("W4")]
    [InlineData("4bit")]
    [InlineData("")]
    [InlineData("w-4")]
    public void A_setting_is_a_lower_case_name(string setting) =>
        Assert.Throws<ArgumentException>(() => LowBitMetrics.Bops.At(setting));

    [Fact]
    public void A_field_cannot_take_the_name_of_a_setting_constant()
    {
        var d = Assert.Single(Compile(Model("16", "linear(8) as BopsW8a8")).Diagnostics, d => d.IsError);
        Assert.Equal("CM0022", d.Id);
        Assert.False(Compile(Model("16", "linear(8) as Bopsy")).HasErrors);
    }
}
