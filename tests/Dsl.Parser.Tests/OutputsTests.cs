using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Named outputs and features: shapes and costs for every one, and the rules that keep them unambiguous.</summary>
public class OutputsTests
{
    [Fact]
    public void Every_named_output_and_feature_is_shaped_and_costed()
    {
        // body 8→16 (128 MACs), widen 16→32 (512), classify 16→3 (48), locate 16→4 (64): 752 MACs.
        var model = Single(Compile("""
            model Det(classes: int = 3) {
                input x: [N, 8]
                h = x -> linear(16) as body -> relu
                feature hidden: h
                feature wide: h -> linear(32) as widen
                output logits: h -> linear(classes) as classify, boxes: h -> linear(4) as locate
            }
            """));
        Assert.Equal(128 + 512 + 48 + 64, model.Cost.Macs);
        Assert.Equal(new[] { "logits [N, 3]", "boxes [N, 4]" }, model.Cost.NamedOutputs.Select(o => $"{o.Name} {o.Shape}"));
        Assert.Equal(new[] { "hidden [N, 16]", "wide [N, 32]" }, model.Cost.Features.Select(f => $"{f.Name} {f.Shape}"));
        Assert.Equal("[N, 3]", model.Cost.Output.ToString());
        Assert.Equal(new[] { "logits", "boxes" }, model.Class.NamedOutputs.Select(o => o.Name));
    }

    [Theory]
    [InlineData("output x\n    output y: x", "CM0015", "model 'M' names some outputs but not this one; name each (output logits: ..., boxes: ...) or return one tensor")]
    [InlineData("output x\n    output x", "CM0015", "model 'M' has a second output; a model or block returns one tensor, or a model names each of its outputs (output logits: ..., boxes: ...)")]
    [InlineData("output a: x\n    h = x", "CM0015", "nothing can follow the output statement")]
    [InlineData("output a: x, a: x -> relu", "CM0041", "'a' already names an output at line 3; each output and each feature needs its own name")]
    [InlineData("feature Named: x\n    output x", "CM0022", "'Named' is reserved (the generated record of outputs or features has a member of that name); choose another name")]
    public void Outputs_and_features_are_checked(string body, string id, string message)
    {
        var d = Assert.Single(Compile($"model M {{\n    input x: [N, 4]\n    {body}\n}}").Diagnostics, d => d.IsError);
        Assert.Equal((id, message), (d.Id, d.Message));
    }

    [Fact]
    public void An_output_and_a_feature_may_share_a_name_and_feature_stays_a_usable_tensor_name()
    {
        var result = Compile("""
            model M {
                input x: [N, 4]
                feature = x -> relu
                feature logits: feature
                output logits: feature -> linear(2)
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
    }

    [Fact]
    public void A_comma_after_the_last_named_output_needs_another()
    {
        var d = Assert.Single(Compile("model M {\n    input x: [N, 4]\n    output a: x,\n}").Diagnostics, d => d.IsError);
        Assert.Equal(("CM0001", "expected another named output after ',', as in 'output logits: h -> linear(10), boxes: h -> linear(4)', found '}'"), (d.Id, d.Message));
    }

    [Fact]
    public void A_model_may_take_several_inputs_each_shaped_and_costed()
    {
        // img → flatten → linear 16→8 (128 MACs); side → linear 4→8 (32); concat → linear 16→3 (48).
        var model = Single(Compile("""
            model Pair {
                input img: [N, 1, 4, 4]
                input side: [N, 4]
                h = img -> flatten -> linear(8)
                output concat(h, side -> linear(8), dim: 1) -> linear(3)
            }
            """));
        Assert.Equal(128 + 32 + 48, model.Cost.Macs);
        Assert.Equal(new[] { "img [N, 1, 4, 4]", "side [N, 4]" }, model.Cost.NamedInputs.Select(i => $"{i.Name} {i.Shape}"));
        Assert.Equal(new[] { "img", "side" }, model.Class.InputNames);
    }
}
