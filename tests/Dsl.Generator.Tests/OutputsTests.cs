using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>Named outputs and features: the generated records, forward's type, and code a user writes against them.</summary>
public class OutputsTests
{
    private const string Detector = """
        model Det(classes: int = 3) {
            input x: [N, 8]
            h = x -> linear(16) as body -> relu
            feature hidden: h
            feature wide: h -> linear(32) as widen
            output logits: h -> linear(classes) as classify, boxes: h -> linear(4) as locate
        }
        """;

    private static string Generated(string source, out CSharpCompilation output, params string[] consumer)
    {
        var driver = GeneratorHarness.Driver(new[] { new InMemoryText("/p/Det.cmodel", source) })
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(consumer.Length == 0 ? new[] { "class Anchor { }" } : consumer), out var compiled, out var diagnostics);
        Assert.Empty(diagnostics);
        output = (CSharpCompilation)compiled;
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName.Split('.')[1] == "Det").SourceText.ToString();
    }

    [Fact]
    public void Several_outputs_return_a_generated_record_and_features_come_from_the_same_pass()
    {
        var text = Generated(Detector, out _);
        Assert.Contains("public sealed partial class Det : nn.Module<Tensor, Det.Outputs>, IFeatureTaps<Det.Outputs>", text);
        Assert.Contains("public sealed record Outputs(Tensor logits, Tensor boxes) : INamedTensors", text);
        Assert.Contains("public sealed record Features(Tensor hidden, Tensor wide) : INamedTensors", text);
        Assert.Contains("public override Det.Outputs forward(Tensor x) => ForwardWithFeatures(x).Output;", text);
        Assert.Contains("return (new Outputs(logits, boxes), new Features(h, wide));", text);
        Assert.Contains("[\"boxes\"] = new long[] { -1, 4 },", text);
        Assert.Contains("[\"wide\"] = new long[] { -1, 32 },", text);
        Assert.DoesNotContain("OutputShape =>", text);
    }

    [Fact]
    public void Names_taken_by_tensors_or_shared_by_an_output_and_a_feature_get_their_own_variables()
    {
        // 'wide' is a tensor read after the feature; 'logits' names a feature and an output.
        var text = Generated("""
            model Det {
                input x: [N, 8]
                wide = x -> linear(16)
                feature logits: wide -> linear(2)
                feature wide: wide -> relu
                output logits: wide -> linear(3), boxes: wide -> linear(4)
            }
            """, out _);
        Assert.Contains("return (new Outputs(t2, boxes), new Features(logits, t1));", text);
    }

    [Fact]
    public void User_code_reads_the_outputs_by_name_and_generic_code_through_the_interfaces()
    {
        const string user = """
            using Dsl.Runtime;
            using static TorchSharp.torch;
            public static class Use
            {
                public static Tensor Boxes(Consumer.Models.Det det, Tensor x) => det.forward(x).boxes;
                public static Tensor Hidden(Consumer.Models.Det det, Tensor x) => det.ForwardWithFeatures(x).Features.hidden;
                public static int Count<T>(IFeatureTaps<T> taps, Tensor x) => taps.ForwardWithFeatures(x).Features.Named.Count;
            }
            """;
        Generated(Detector, out var output, user);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.Models.Det+Outputs"));
    }

    [Fact]
    public void One_unnamed_output_keeps_a_plain_forward()
    {
        var text = Generated("model Det {\n    input x: [N, 8]\n    output x -> linear(2)\n}\n", out _);
        Assert.Contains("public sealed partial class Det : nn.Module<Tensor, Tensor>\n", text);
        Assert.Contains("public override Tensor forward(Tensor x)", text);
        Assert.DoesNotContain("record", text);
    }

    [Fact]
    public void A_model_of_two_inputs_takes_both_in_forward_and_lists_their_shapes()
    {
        var text = Generated("""
            model Det {
                input img: [N, 8]
                input side: [N, 4]
                h = img -> linear(4)
                feature hidden: h
                output h + side
            }
            """, out _);
        Assert.Contains("public sealed partial class Det : nn.Module<Tensor, Tensor, Tensor>\n", text);
        Assert.Contains("public override Tensor forward(Tensor img, Tensor side) => ForwardWithFeatures(img, side).Output;", text);
        Assert.Contains("[\"side\"] = new long[] { -1, 4 },", text);
        Assert.DoesNotContain("IFeatureTaps", text);
    }
}
