using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>@winograd's costs, worked out by hand, and the layers it leaves direct.</summary>
public class WinogradTests
{
    [Fact]
    public void Lowrank_counts_tiles_times_channel_pairs_times_kept_positions_and_its_factors()
    {
        // conv3d 2 → 4, 3×3×3, padding 1 on 4×6×5: output 4×6×5, F(2, 3) tiles 2·3·3 = 18 (⌈5/2⌉ = 3).
        var conv = Single(Compile(Model("2, 4, 6, 5", "conv3d(4, kernel: 3, padding: 1) @winograd(rank: 10, keep: 40)"))).Cost.Layers.Single();
        Assert.Equal(4 * 6 * 5 * 4 * 2 * 27, conv.Macs);
        Assert.Equal(18L * 4 * 2 * 40, (long)conv.Metric(WinogradMetrics.Multiplications));
        Assert.Equal(10 * (4 * 2 + 64) + 4, conv.Params);
        Assert.Contains("Winograd F(2, 3): 40 of 64 positions, 18 tiles", conv.Notes);
    }

    [Fact]
    public void Direct_winograd_at_f4_trains_alpha_cubed_values_per_channel_pair()
    {
        // F(4, 3): α = 6, 216 positions; output 4×6×5 → tiles 1·2·2 = 4.
        var conv = Single(Compile(Model("2, 4, 6, 5", "conv3d(4, kernel: 3, padding: 1, bias: false) @winograd(tile: 4, mode: direct_winograd)"))).Cost.Layers.Single();
        Assert.Equal(4L * 4 * 2 * 216, (long)conv.Metric(WinogradMetrics.Multiplications));
        Assert.Equal(216 * 4 * 2, conv.Params);
    }

    [Fact]
    public void Layers_inheriting_it_that_winograd_cannot_compute_stay_direct_with_a_note()
    {
        const string source = """
            model M @winograd(keep: 32) {
                input x: [N, 2, 4, 6, 6]
                h = x -> conv3d(4, kernel: 3, padding: 1) as winograd -> conv3d(4, kernel: 3, stride: 2, padding: 1) as strided
                output h -> flatten -> linear(3)
            }
            """;
        var cost = Single(Compile(source)).Cost;
        var strided = cost.Layers.Single(l => l.Path == "strided");
        Assert.Empty(strided.Annotations);
        Assert.Contains(strided.Notes, n => n.StartsWith("@winograd leaves it as written: Winograd F(m, 3) computes stride-1", StringComparison.Ordinal));
        Assert.Equal(strided.Macs, (long)strided.Metric(WinogradMetrics.Multiplications));
        Assert.NotEmpty(cost.Layers.Single(l => l.Path == "winograd").Annotations);
    }
}
