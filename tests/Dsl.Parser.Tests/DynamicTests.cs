using Dsl.Parser.Costs;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>@dynamic (DDA): MACs at each width counted by hand from int(w·C), the routed mean, how the channels are followed, and layer settings.</summary>
public class DynamicTests
{
    /// <summary>A stem reading the image, a strided branch with a BatchNorm, a convolution over both, a tail making the image: c channels.</summary>
    public static string Net(long c = 6, string header = "@dynamic(widths: [0.25, 0.5, 0.75, 1.0], overlap: 4)", string stem = "@dynamic(slim: outputs)", string tail = "@dynamic(slim: inputs)", string merge = "concat(h, d, dim: 1)") => $$"""
        model D(c: int = {{c}}) {{header}} {
            input img: [N, 3, 16, 16]
            h = img -> conv2d(c, kernel: 3, padding: 1) as stem {{stem}} -> relu
            d = h -> conv2d(c, kernel: 3, stride: 2, padding: 1) as down -> batch_norm -> relu -> upsample(2)
            m = {{merge}} -> conv2d(c, kernel: 3, padding: 1) as merge -> relu
            output img + (m -> conv2d(3, kernel: 3, padding: 1) as tail {{tail}})
        }
        """;

    private static long At(CostReport report, string layer, double width) => (long)report.Layers.Single(l => l.Path == layer).Metric(MetricsPerSetting.Macs.At(DynamicSettings.Setting(width)));

    [Fact]
    public void Each_convolution_costs_its_active_inputs_times_its_active_outputs_at_each_width()
    {
        var report = Single(Compile(Net())).Cost;
        // int(w·6) = 1, 3, 4, 6. The stem reads all 3 image channels; the merge reads int(w·6) of each of its two 6-channel parts.
        foreach (var (w, k) in new[] { (0.25, 1L), (0.5, 3L), (0.75, 4L), (1.0, 6L) })
        {
            Assert.Equal(256 * 9 * 3 * k, At(report, "stem", w));
            Assert.Equal(64 * 9 * k * k, At(report, "down", w));
            Assert.Equal(256 * 9 * (2 * k) * k, At(report, "merge", w));
            Assert.Equal(256 * 9 * k * 3, At(report, "tail", w));
        }
        Assert.Equal(6_912 + 576 + 4_608 + 6_912, (long)report.Total(MetricsPerSetting.Macs.At("w25")));
        Assert.Equal(269_568, report.Macs);
        // The routed patch: the mean of the four widths' totals.
        Assert.Equal((19_008 + 88_128 + 138_240 + 269_568) / 4.0, report.Total(DynamicMetrics.RoutedMacs), 6);
        // A switchable BatchNorm keeps its 2·6 affine parameters per width.
        Assert.Equal(4 * 12, report.Layers.Single(l => l.Layer == "batch_norm").Params);
    }

    [Fact]
    public void The_settings_are_named_by_percent()
    {
        Assert.Equal(new[] { "w25", "w37_5", "w100" }, new[] { 0.25, 0.375, 1.0 }.Select(DynamicSettings.Setting));
        Assert.Equal((1L, 2L, 4L), (DynamicSettings.Active(6, 0.25), DynamicSettings.Active(6, 0.4), DynamicSettings.Active(6, 0.75)));
    }

    [Fact]
    public void A_layer_sets_how_it_slims_and_takes_the_widths_from_the_model()
    {
        // Widths [0.5, 1] on the header; the stem's own @dynamic(slim: outputs) keeps them: int(0.5·6) = 3 outputs.
        var report = Single(Compile(Net(header: "@dynamic(widths: [0.5, 1])"))).Cost;
        Assert.Equal(256 * 9 * 3 * 3, At(report, "stem", 0.5));
        Assert.Equal(2, report.Settings.Count);
        // A layer writing widths, or @dynamic on a layer of a model without it, is refused.
        var widths = Assert.Single(Compile(Net(stem: "@dynamic(slim: outputs, widths: [0.5])")).Diagnostics, d => d.Id == "CM0018");
        Assert.Equal(("CM0018", "'@dynamic' cannot apply to conv2d (conv); it applies to a model, written after its header as in model Net(...) @dynamic(...); a layer of that model's body may set only slim: for itself"),
            (widths.Id, widths.Message));
        Assert.Contains(Compile(Net(header: "")).Diagnostics, d => d.Id == "CM0018");
    }

    [Fact]
    public void A_concatenation_is_told_to_the_convolution_that_reads_it()
    {
        var model = Single(Compile(Net()));
        var merge = (CompressedConstruction)model.Class.Fields.Single(f => f.Name == "merge").Construction;
        var call = Assert.Single(merge.Conversions).Call;
        Assert.Equal("Compression.DynamicParts", call.Function);
        Assert.Equal(new[] { 6.0, 6.0 }, ((ListCode)call.Args.Single(a => a.Name == "parts").Value).Items.Select(i => ((ConstExpr)i).Value));
        // The image beside the features is read whole: parts 3 (full) and 6 (slimmed), int(w·6) + 3 inputs.
        var mixed = Single(Compile(Net(merge: "concat(img, h, dim: 1)"))).Cost;
        Assert.Equal(256 * 9 * (3 + 1) * 1, At(mixed, "merge", 0.25));
        var stem = (CompressedConstruction)model.Class.Fields.Single(f => f.Name == "stem").Construction;
        Assert.Equal("Compression.Dynamic", Assert.Single(stem.Conversions).Call.Function);
    }

    [Theory]
    [InlineData("@dynamic(slim: both)", "@dynamic(slim: inputs)", "conv2d 'stem' slims its input, but its input is full at every width; slim its outputs only: @dynamic(slim: outputs)")]
    [InlineData("@dynamic(slim: outputs)", "@dynamic(slim: none)", "conv2d 'tail' reads slimmed channels (at width 0.25, 1 of 6) but does not slim its input; @dynamic(slim: both) or (slim: inputs)")]
    public void Every_width_must_agree(string stem, string tail, string message)
    {
        var d = Assert.Single(Compile(Net(stem: stem, tail: tail)).Diagnostics, d => d.IsError);
        Assert.Equal(("CM1002", message), (d.Id, d.Message));
    }

    [Fact]
    public void A_slimmed_output_or_a_width_without_channels_is_refused()
    {
        var slimmed = Net().Replace("output img + (m -> conv2d(3, kernel: 3, padding: 1) as tail @dynamic(slim: inputs))", "output m -> conv2d(4, kernel: 1) as tail");
        var d = Assert.Single(Compile(slimmed).Diagnostics, d => d.IsError);
        Assert.Equal(("CM1002", "the model's output is slimmed (at width 0.25 it has 1 channels); the convolution that makes it slims its input only: @dynamic(slim: inputs)"), (d.Id, d.Message));
        // The tail's 3 outputs at 0.25: int(0.75) = 0.
        var empty = Assert.Single(Compile(Net(tail: "")).Diagnostics, d => d.IsError);
        Assert.Equal(("CM1004", "conv2d 'tail' keeps no channel at width 0.25: int(0.25·3) = 0; widen it or drop the width"), (empty.Id, empty.Message));
    }

    [Fact]
    public void A_sum_of_slimmed_and_full_channels_disagrees()
    {
        var text = Net().Replace("output img + (m -> conv2d(3, kernel: 3, padding: 1) as tail @dynamic(slim: inputs))",
            "output (m + (img -> conv2d(c, kernel: 1) as side @exempt(dynamic))) -> conv2d(3, kernel: 3, padding: 1) as tail @dynamic(slim: inputs)");
        var d = Assert.Single(Compile(text).Diagnostics, d => d.IsError);
        Assert.Equal(("CM1002", "the two sides of '+' have 1 and 6 channels at width 0.25; slim both or neither"), (d.Id, d.Message));
    }
}
