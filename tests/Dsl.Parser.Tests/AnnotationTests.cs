using System.Globalization;
using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>The annotation framework: inheritance, override, exemption, targets, cost hook.</summary>
public class AnnotationTests
{
    private const string Source = """
        block Stage(c: int) @testq(bits: 6) {
            input x: [N, C, H, W]
            output x -> conv2d(c, kernel: 1) as inner -> conv2d(c, kernel: 1) as exempted @exempt(testq)
        }
        model M @testq(bits: 4) {
            input x: [N, 3, 8, 8]
            h = x -> conv2d(8, kernel: 1) as first @exempt
            h = h -> conv2d(8, kernel: 1) as plain -> conv2d(8, kernel: 1) as own @testq(bits: 2)
            h = h -> Stage(8)
            output h -> flatten -> linear(2) as head
        }
        """;

    private static Dictionary<string, string> Applied()
    {
        var model = Single(Compile(Source, TestQuantAnnotation.Catalog));
        return model.Cost.Layers.ToDictionary(l => l.Path, l => string.Join(",", l.Annotations.Select(a => $"{a.Kind}({string.Join(",", a.Arguments.Select(p => p.Key + "=" + p.Value.Describe()))})")));
    }

    [Fact]
    public void Header_annotations_reach_eligible_layers_and_inner_ones_win()
    {
        var applied = Applied();
        Assert.Equal("", applied["first"]);                 // @exempt removes every kind
        Assert.Equal("testq(bits=4)", applied["plain"]);    // inherited from the model header
        Assert.Equal("testq(bits=2)", applied["own"]);      // the layer's own wins
        Assert.Equal("testq(bits=6)", applied["stage.inner"]); // the block header is further in
        Assert.Equal("", applied["stage.exempted"]);
        Assert.Equal("", applied["head"]);                  // linear is not a conv layer
    }

    [Fact]
    public void A_kind_adjusts_the_cost_of_the_layers_it_applies_to()
    {
        var model = Single(Compile(Source, TestQuantAnnotation.Catalog));
        var plain = model.Cost.Layers.Single(l => l.Path == "plain");
        Assert.Equal(8 * 64 * 8 * 4 / 32, plain.Macs);
        Assert.Equal(new[] { "4-bit" }, plain.Notes);
        var first = model.Cost.Layers.Single(l => l.Path == "first");
        Assert.Equal(8 * 64 * 3, first.Macs);
    }


    [Fact]
    public void Exempt_names_must_be_annotation_kinds()
    {
        var result = Compile(Model("3, 8, 8", "conv2d(4, kernel: 3) @exempt(qaunt)"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("argument 'kinds' of @exempt expects annotation names such as quant or sparse but got 'qaunt'; did you mean 'quant'?", d.Message);
    }
}

/// <summary>Model-level kinds check themselves against the model (distillation's teacher is one such check, not the binder's).</summary>
public class ModelAnnotationTests
{
    [Fact]
    public void A_model_level_kind_without_a_teacher_binds_and_checks_its_own_arguments()
    {
        const string source = "model M @testm(seed: {0}) {{\n    input x: [N, 4]\n    output x -> linear(2)\n}}";
        var fine = Compile(string.Format(CultureInfo.InvariantCulture, source, 3), TestQuantAnnotation.Catalog);
        Assert.False(fine.HasErrors, Errors(fine));
        var refused = Assert.Single(Compile(string.Format(CultureInfo.InvariantCulture, source, 13), TestQuantAnnotation.Catalog).Diagnostics);
        Assert.Equal(("CM0031", 1, 16, "model 'M' refuses seed 13"), (refused.Id, refused.Start.Line + 1, refused.Start.Character + 1, refused.Message));
    }
}

/// <summary>What methods ask of layers instead of their names.</summary>
public class LayerTraitTests
{
    private static readonly Dictionary<string, (string Input, string Stage)> Cases = new()
    {
        ["linear"] = ("4", "linear(3)"),
        ["conv1d"] = ("2, 8", "conv1d(3, kernel: 3)"),
        ["conv2d"] = ("2, 8, 8", "conv2d(3, kernel: 3)"),
        ["conv3d"] = ("2, 4, 4, 4", "conv3d(3, kernel: 3)"),
        ["conv_transpose2d"] = ("2, 4, 4", "conv_transpose2d(3, kernel: 2, stride: 2)"),
        ["patch_embed"] = ("3, 8, 8", "patch_embed(dim: 4, patch: 4)"),
        ["mlp"] = ("3, 4", "mlp(hidden: 8)"),
        ["attention"] = ("3, 4", "attention(2)"),
        ["detr_encoder_layer"] = ("3, 4", "detr_encoder_layer(2, 8, pos: x)"),
        ["detr_decoder_layer"] = ("3, 4", "detr_decoder_layer(2, 8, memory: x, pos: x, query_pos: x)"),
    };

    [Theory]
    [InlineData("3, 4", "attention(2)", "16 channels: 12×4 + 4×4")]
    [InlineData("3, 5", "mlp(hidden: 3, out_features: 2)", "5 channels: 3×5 + 2×3")]
    [InlineData("5", "linear(3)", "3 channels: 3×5")]
    [InlineData("5", "linear(3, bias: false)", "3 channels: 3×5")]
    [InlineData("4, 8, 8", "conv2d(6, kernel: 3, groups: 2)", "6 channels: 6×18")]
    [InlineData("3, 8, 8", "patch_embed(dim: 4, patch: 4)", "4 channels: 4×48")]
    public void Weight_layouts_count_each_inner_layers_weights_and_output_channels(string input, string stage, string note)
    {
        // attention on C = 4: qkv [3·4, 4] and proj [4, 4], 3·4 + 4 channels; mlp 5 → 3 → 2; a
        // grouped conv reduces over (4/2)·9 = 18 per output; patch_embed over 3·4·4 = 48.
        var layer = Single(Compile(Model(input, $"{stage} @testw"), TestQuantAnnotation.Catalog)).Cost.Layers[0];
        Assert.Contains(note, layer.Notes);
    }

    [Fact]
    public void Every_layer_a_weight_method_reaches_lays_out_its_weights_for_the_methods_counting()
    {
        // A layer of those families without a weight layout would leave LSQ's steps, ReBNN's
        // scales and @prune's biases uncountable: each is bound under @quant and @binarize (where they reach it) here.
        // Normalization layers (@multibit's switchable BatchNorm) have no weights to lay out.
        var families = MethodRegistry.All.Where(m => m.RuntimeFunction != null).SelectMany(m => m.Families).Where(f => f != "norm").ToHashSet();
        var reachable = Layers.LayerCatalog.All.Values.Where(s => families.Contains(s.Family)).Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(reachable, Cases.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var (layer, (input, stage)) in Cases)
        {
            var family = Layers.LayerCatalog.All[layer].Family;
            foreach (var (annotation, kind) in new[] { ("@quant(w: 4, a: 4)", "quant"), ("@binarize(method: bivit)", "binarize") })
            {
                if (!MethodRegistry.All.Single(m => m.Name == kind).Families.Contains(family)) continue;
                var result = Compile(Model(input, $"{stage} {annotation}"));
                Assert.False(result.HasErrors, $"{stage} {annotation}: {Errors(result)}");
            }
        }
    }
}

/// <summary>The names a method's state takes in the generated class stay free of layers.</summary>
public class MethodMemberNameTests
{
    [Fact]
    public void A_layer_cannot_take_the_name_of_its_methods_state()
    {
        var teacher = "model T {\n    input x: [N, 4]\n    output x -> linear(3)\n}\n";
        var distilled = Compile(teacher + "model S @distill(teacher: T, soft: 1) {\n    input x: [N, 4]\n    output x -> relu as distillation -> linear(3)\n}");
        var reserved = "'distillation' is reserved (it is a parameter or tensor of this declaration, or the state of a method it uses); choose another name";
        Assert.Equal(("CM0022", reserved), (Assert.Single(distilled.Diagnostics).Id, distilled.Diagnostics[0].Message));
        var tokens = Compile(TokensTests.Vit("@tokens(prune: [9, 9])").Replace("output t -> cls_select", "output t -> cls_select as tokens"));
        Assert.Equal("CM0022", Assert.Single(tokens.Diagnostics, d => d.IsError).Id);
        // Without the method, the names are free.
        Assert.False(Compile(teacher + "model S {\n    input x: [N, 4]\n    output x -> relu as distillation -> linear(3)\n}").HasErrors);
    }
}
