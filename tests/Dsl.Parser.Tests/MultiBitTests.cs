using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>@multibit's cost rule per width, counted by hand from MultiQuant's definition, its checks, and where it marks the branched body.</summary>
public class MultiBitTests
{
    private static long At(Costs.LayerCost layer, Costs.CostMetric metric, long bits) => (long)layer.Metric(metric.At($"b{bits}"));

    private static long Total(Costs.CostReport report, Costs.CostMetric metric, long bits) => (long)report.Total(metric.At($"b{bits}"));

    private static string Body(string annotation, string stages) => $$"""
        model M {{annotation}} {
            input x: [N, 16]
            output x -> {{stages}} -> linear(10) as head @exempt(multibit)
        }
        """;

    [Fact]
    public void A_width_runs_half_its_bits_in_branches_and_an_odd_width_half_a_branch_more()
    {
        // linear 16 → 32: 512 MACs a branch. Four branches (max 8 bits). Width 3: one branch and
        // half of one, 23 of 32 outputs (32/√2) from 11 of 16 inputs: 253 MACs.
        var model = Single(Compile(Body("@multibit(bits: [2, 3, 4, 8])", "linear(32) as fc"))).Cost;
        var fc = model.Layers[0];
        Assert.Equal((512L, 765L, 1_024L, 2_048L), (At(fc, MultiBitMetrics.Macs, 2), At(fc, MultiBitMetrics.Macs, 3), At(fc, MultiBitMetrics.Macs, 4), At(fc, MultiBitMetrics.Macs, 8)));
        // BOPs: MACs × 2-bit weights × b-bit activations, MACs·b² of one branch at an even width.
        Assert.Equal(512 * 2 * 2, At(fc, LowBitMetrics.Bops, 2));
        Assert.Equal(765 * 2 * 3, At(fc, LowBitMetrics.Bops, 3));
        Assert.Equal(512 * 4 * 4, At(fc, LowBitMetrics.Bops, 4));
        Assert.Equal(512 * 8 * 8, At(fc, LowBitMetrics.Bops, 8));
        // The columns are the highest width's; the classifier (320 MACs) runs the same at every width.
        Assert.Equal((2_048L, 512L * 64), (fc.Macs, fc.Bops()));
        Assert.Equal(512 + 320, Total(model, MultiBitMetrics.Macs, 2));
        Assert.Equal(2_048 + 320, model.Macs);
        // Four branches of 512 weights and 32 biases, two weight bounds per branch, two activation bounds per branch and width.
        Assert.Equal(4 * 544 + 2 * 4 + 2 * 4 * 4, fc.Params);
        // Stored: 4·512 weights at 2 bits, the rest (biases, bounds) and the classifier's 330 at 32.
        Assert.Equal(4 * 512 * 2 + 32 * (fc.Params - 4 * 512) + 32 * 330, (long)model.Total(LowBitMetrics.WeightBits));
    }

    [Fact]
    public void A_convolution_s_half_branch_keeps_c_over_root_two_of_its_outputs_and_inputs()
    {
        // conv 8 → 16, 3×3, 6×6 outputs: 41,472 MACs a branch; half a branch 11 of 16 outputs from 6 of 8 inputs: 11·6·9·36.
        var model = Single(Compile("""
            model M @multibit(bits: [2, 3]) {
                input x: [N, 8, 6, 6]
                output x -> conv2d(16, kernel: 3, padding: 1) as conv -> batch_norm as norm
            }
            """)).Cost;
        Assert.Equal(41_472 + 11 * 6 * 9 * 36, At(model.Layers[0], MultiBitMetrics.Macs, 3));
        Assert.Equal((41_472L + 11 * 6 * 9 * 36) * 2 * 3, At(model.Layers[0], LowBitMetrics.Bops, 3));
        // The BatchNorm: 2·16 parameters for each of 2 branches and 2 widths.
        Assert.Equal(2 * 16 * 2 * 2, model.Layers[1].Params);
    }

    [Fact]
    public void The_switching_baseline_runs_one_set_of_weights_at_every_width()
    {
        var fc = Single(Compile(Body("@multibit(bits: [2, 4, 8], method: switch)", "linear(32) as fc"))).Cost.Layers[0];
        foreach (var bits in new long[] { 2, 4, 8 })
        {
            Assert.Equal(512, At(fc, MultiBitMetrics.Macs, bits));
            Assert.Equal(512 * bits * bits, At(fc, LowBitMetrics.Bops, bits));
        }
        // One set of weights and biases, weight and activation bounds per width; stored in full precision.
        Assert.Equal(544 + 2 * 3 + 2 * 3, fc.Params);
        Assert.Equal(32 * fc.Params, (long)fc.Metric(LowBitMetrics.WeightBits));
    }

    [Fact]
    public void The_cost_report_lists_each_width_as_a_setting()
    {
        var report = Single(Compile(Body("@multibit(bits: [2, 4])", "linear(32) as fc"))).Cost;
        Assert.Equal(new[] { "b2", "b4" }, report.Settings.Select(s => s.Setting));
        Assert.All(report.Settings, s => Assert.Equal(new[] { "macs", "bops" }, s.Metrics.Select(m => m.Family!.Key)));
    }

    /// <summary>Forward as text: fields applied to their inputs, method calls with their target.</summary>
    private static string Render(TensorExpr e) => e switch
    {
        VariableRef v => v.Name,
        ApplyField a => $"{a.Field}({Render(a.Input)})",
        TensorBinary b => $"({Render(b.Left)} {b.Operator} {Render(b.Right)})",
        MethodCall c => $"{c.Target}.{c.Function}({string.Join(", ", c.Operands.OfType<TensorOperand>().Select(o => Render(o.Tensor)))})",
        _ => e.GetType().Name,
    };

    [Fact]
    public void Values_from_before_the_body_enter_it_and_values_from_it_leave_it_averaged()
    {
        var model = Single(Compile("""
            model M @multibit(bits: [2, 4]) {
                input x: [N, 8]
                s = x -> linear(8) as stem @exempt(multibit)
                h = s -> linear(8) as a
                h = h + s
                h = h -> linear(8) as b
                output (h + s) -> linear(4) as head @exempt(multibit)
            }
            """));
        var forward = model.Class.Forward.Select(st => $"{st.Variable} = {Render(st.Value)}").ToList();
        Assert.Equal(new[]
        {
            "s = stem(x)",
            "h = a(multibit.Enter(s))",
            "h = (h + multibit.Enter(s))",
            "h = b(h)",
            "output = head((multibit.Leave(h) + s))",
        }, forward);
        Assert.Equal("IMultiBit", model.Class.Members.Single().Interface);
    }

    [Theory]
    [InlineData("@multibit(bits: [2, 9])", "linear(32)", "CM0701")]
    [InlineData("@multibit(bits: [2, 4, 2])", "linear(32)", "CM0701")]
    [InlineData("@multibit(method: switch, amortized: false)", "linear(32)", "CM0702")]
    [InlineData("@multibit", "linear(32) -> layer_norm", "CM0703")]
    [InlineData("@multibit", "mlp(hidden: 32)", "CM0703")]
    [InlineData("@multibit", "linear(32) @exempt(multibit)", "CM0704")]
    [InlineData("@multibit @quant(w: 4, a: 4)", "linear(32)", "CM0039")]
    public void Bad_settings_and_layers_it_cannot_run_are_errors(string annotation, string stages, string id)
    {
        var result = Compile(Body(annotation, stages));
        Assert.Equal(id, result.Diagnostics.First(d => d.IsError).Id);
    }

    [Fact]
    public void A_grouped_convolution_is_refused_with_the_way_out()
    {
        var result = Compile("""
            model M @multibit {
                input x: [N, 8, 6, 6]
                output x -> conv2d(8, kernel: 3, groups: 8) as depthwise
            }
            """);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("CM0703", error.Id);
        Assert.Contains("grouped convolution", error.Message);
        Assert.Contains("@exempt(multibit)", error.Message);
    }

    [Fact]
    public void Only_a_model_header_takes_it()
    {
        Assert.Equal("CM0018", Compile(Model("8", "linear(8) @multibit")).Diagnostics.First(d => d.IsError).Id);
        var result = Compile("""
            block B {
                input x: [N, C]
                output x -> linear(8)
            }
            model M {
                input x: [N, 8]
                output x -> B @multibit
            }
            """);
        Assert.Equal("CM0018", Assert.Single(result.Diagnostics, d => d.IsError).Id);
    }

    [Fact]
    public void Blocks_are_named_after_the_widths_and_settings()
    {
        var result = Compile("""
            block Unit {
                input x: [N, C]
                output x -> linear(8) as fc
            }
            model A @multibit {
                input x: [N, 8]
                output x -> Unit
            }
            model B @multibit(bits: [2, 4, 8], method: switch) {
                input x: [N, 8]
                output x -> Unit
            }
            model C @multibit(bits: [2, 3, 4], amortized: false, distill: false) {
                input x: [N, 8]
                output x -> Unit
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "UnitMultiBit2to8", "UnitMultiBit2_4_8Switch", "UnitMultiBit2to4InOrderNoDistill" }, result.Blocks.Select(b => b.Name));
    }
}
