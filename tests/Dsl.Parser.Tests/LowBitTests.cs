using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>@quant, @binarize and @distill: checked arguments, BOPs and OPs, block variants, the distillation head.</summary>
public class LowBitTests
{
    private static Diagnostics.Diagnostic OnlyError(string source)
    {
        var result = Compile(source);
        return Assert.Single(result.Diagnostics, d => d.IsError);
    }

    [Theory]
    [InlineData("w: 0", "CM0202", "w must be between 2 and 8 bits but is 0", 34)]
    [InlineData("w: 4, a: 9", "CM0202", "a must be between 2 and 8 bits but is 9", 40)]
    [InlineData("w: 16, a: 4", "CM0202", "w: 16 is full precision, which @quant does not simulate; leave the layer unannotated or exempt it with @exempt(quant)", 34)]
    [InlineData("w: 1, a: 1", "CM0202", "w: 1 bit is binarization; use @binarize", 34)]
    [InlineData("weight: per_row", "CM0009", "argument 'weight' of @quant must be one of per_channel, per_tensor but is per_row", 42)]
    public void Bad_bit_widths_are_located_errors(string arguments, string id, string message, int column)
    {
        var d = OnlyError(Model("4", $"linear(3) @quant({arguments})"));
        Assert.Equal((id, message), (d.Id, d.Message));
        Assert.Equal((3, column), (d.Start.Line + 1, d.Start.Character + 1));
    }

    [Fact]
    public void Quant_needs_a_bit_width()
    {
        var d = OnlyError(Model("4", "linear(3) @quant(weight: per_tensor)"));
        Assert.Equal("CM0201", d.Id);
        Assert.StartsWith("@quant needs bit-widths", d.Message);
    }

    [Fact]
    public void Binarize_on_a_norm_layer_is_an_error()
    {
        var d = OnlyError(Model("4, 8, 8", "batch_norm @binarize"));
        Assert.Equal("CM0018", d.Id);
        Assert.Equal("'@binarize' cannot apply to batch_norm (norm); it applies to attention, conv, linear layers", d.Message);
    }

    [Fact]
    public void Rebnn_reaching_attention_names_the_method_that_fits()
    {
        var d = OnlyError("""
            model M @binarize(method: rebnn) {
                input x: [N, 5, 8]
                output x -> attention(2) -> linear(8)
            }
            """);
        Assert.Equal("CM0303", d.Id);
        Assert.Equal((1, 9), (d.Start.Line + 1, d.Start.Character + 1));
        Assert.StartsWith("ReBNN binarizes convolutions and linears", d.Message);
    }

    [Theory]
    [InlineData("method: plain, gamma: constant", "gamma belongs to method: rebnn, but this @binarize uses method: plain")]
    [InlineData("method: bivit, gamma_value: 0.1", "gamma_value belongs to method: rebnn, but this @binarize uses method: bivit")]
    [InlineData("method: plain, factor: 2", "factor belongs to method: rebnn, but this @binarize uses method: plain")]
    [InlineData("method: rebnn, scale: false", "scale belongs to method: bivit, but this @binarize uses method: rebnn")]
    [InlineData("method: plain, qk_norm: false", "qk_norm belongs to method: bivit, but this @binarize uses method: plain")]
    [InlineData("method: rebnn, gelu_clip: 5", "gelu_clip belongs to method: bivit, but this @binarize uses method: rebnn")]
    public void Method_specific_arguments_belong_to_their_method(string arguments, string message)
    {
        var d = OnlyError(Model("4", $"linear(3) @binarize({arguments})"));
        Assert.Equal(("CM0302", message), (d.Id, d.Message));
    }

    [Fact]
    public void Quantized_layers_cost_bit_operations()
    {
        var model = Single(Compile("""
            model M {
                input x: [N, 5, 8]
                h = x -> attention(2) as attn @quant(w: 4, a: 4)
                h = h -> linear(8) as fc @quant(w: 2, a: 3)
                output h -> linear(8) as head
            }
            """));
        var (t, c) = (5L, 8L);
        var attn = model.Cost.Layers.Single(l => l.Path == "attn");
        // The linears at 4×4 bits, Q·Kᵀ and A·V between 4-bit activations.
        Assert.Equal(4 * t * c * c * 16 + 2 * t * t * c * 16, attn.Bops());
        Assert.Equal("W4A4", attn.Bits);
        var fc = model.Cost.Layers.Single(l => l.Path == "fc");
        Assert.Equal(t * c * c * 6, fc.Bops());
        var head = model.Cost.Layers.Single(l => l.Path == "head");
        Assert.Equal(0, head.Bops());
        Assert.Equal(attn.Bops() + fc.Bops(), model.Cost.Bops());
        Assert.Equal(head.Macs + (attn.Bops() + fc.Bops()) / 64.0, model.Cost.Ops());
    }

    [Fact]
    public void An_attention_matrix_left_in_full_precision_counts_as_macs()
    {
        var model = Single(Compile(Model("5, 8", "attention(2) @quant(w: 4, a: 4, attention: false)")));
        var layer = model.Cost.Layers.Single();
        Assert.Equal(4 * 5 * 8 * 8 * 16, layer.Bops());
        Assert.Equal(2 * 5 * 5 * 8 + 4 * 5 * 8 * 8 / 4.0, layer.Ops());
    }

    [Fact]
    public void Binary_layers_cost_one_bop_per_mac_and_weight_only_stays_full_precision()
    {
        var model = Single(Compile("""
            model M {
                input x: [N, 3, 8, 8]
                h = x -> conv2d(8, kernel: 3, padding: 1) as binary @binarize(method: rebnn)
                output h -> conv2d(8, kernel: 3, padding: 1) as weights_only @binarize(activations: false)
            }
            """));
        var binary = model.Cost.Layers.Single(l => l.Path == "binary");
        Assert.Equal(binary.Macs, binary.Bops());
        Assert.Equal("W1A1", binary.Bits);
        var weightsOnly = model.Cost.Layers.Single(l => l.Path == "weights_only");
        Assert.Equal((0L, "W1A32"), (weightsOnly.Bops(), weightsOnly.Bits));
        Assert.Equal(binary.Macs / 64.0 + weightsOnly.Macs, model.Cost.Ops());
    }

    [Fact]
    public void A_block_compressed_in_one_call_only_becomes_its_own_class()
    {
        var result = Compile("""
            block Unit(c: int) {
                input x: [N, T, C]
                output x -> linear(c) as fc
            }
            model Full {
                input x: [N, 4, 8]
                output x -> Unit(8) as a -> Unit(8) as b
            }
            model Low @quant(w: 4, a: 4) {
                input x: [N, 4, 8]
                output x -> Unit(8) as a -> Unit(8) as b @quant(w: 2, a: 2)
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "Unit", "UnitW4A4", "UnitW2A2" }, result.Blocks.Select(b => b.Name));
        var low = result.Models.Single(m => m.Class.Name == "Low").Class;
        Assert.Equal(new[] { "UnitW4A4", "UnitW2A2" }, low.Fields.Select(f => ((Semantics.BlockConstruction)f.Construction).Block));
        var quantized = (Semantics.CompressedConstruction)result.Blocks[1].Fields.Single().Construction;
        Assert.Equal("Compression.Quant", Assert.Single(quantized.Conversions).Call.Function);
    }

    [Fact]
    public void Quantized_block_variants_with_the_same_bits_are_named_after_their_other_settings()
    {
        var result = Compile("""
            block Unit(c: int) {
                input x: [N, T, C]
                output x -> linear(c) as fc
            }
            model Channels @quant(w: 4, a: 4) {
                input x: [N, 4, 8]
                output x -> Unit(8) as a
            }
            model Tensors @quant(w: 4, a: 4, weight: per_tensor, act: signed, zero_point: true) {
                input x: [N, 4, 8]
                output x -> Unit(8) as a
            }
            model WeightsOnly @quant(w: 4) {
                input x: [N, 4, 8]
                output x -> Unit(8) as a
            }
            model ActivationsOnly @quant(a: 8) {
                input x: [N, 4, 8]
                output x -> Unit(8) as a
            }
            model NoAttention @quant(w: 4, a: 4, attention: false) {
                input x: [N, 4, 8]
                output x -> Unit(8) as a
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "UnitW4A4", "UnitW4A4PerTensorSignedZeroPoint", "UnitW4", "UnitA8", "UnitW4A4NoAttention" }, result.Blocks.Select(b => b.Name));
    }

    [Fact]
    public void Binarized_block_variants_are_named_after_what_they_binarize()
    {
        var result = Compile("""
            block Unit(c: int) {
                input x: [N, C, H, W]
                output x -> conv2d(c, kernel: 3, padding: 1) as conv
            }
            model Plain @binarize(method: plain) {
                input x: [N, 4, 8, 8]
                output x -> Unit(4) as a
            }
            model ActivationsFirst @binarize(method: rebnn, weights: false) {
                input x: [N, 4, 8, 8]
                output x -> Unit(4) as a
            }
            model Constant @binarize(method: rebnn, gamma: constant) {
                input x: [N, 4, 8, 8]
                output x -> Unit(4) as a
            }
            model WeightsOnly @binarize(method: plain, activations: false) {
                input x: [N, 4, 8, 8]
                output x -> Unit(4) as a
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(new[] { "UnitPlain", "UnitRebnnActivations", "UnitRebnnConstant", "UnitPlainWeights" }, result.Blocks.Select(b => b.Name));
    }

    private const string Teacher = """
        model Teacher {
            input x: [N, 4]
            output x -> linear(16) -> relu -> linear(3) as head
        }
        """;

    [Fact]
    public void Hard_distillation_adds_a_distillation_head_beside_the_classifier()
    {
        var result = Compile(Teacher + """

            model Student @distill(teacher: Teacher, hard: 0.5, ranking: 1) {
                input x: [N, 4]
                output x -> linear(8) -> relu -> linear(3) as head
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        var student = result.Models.Single(m => m.Class.Name == "Student");
        var state = Assert.Single(student.Class.Members);
        Assert.Equal(("distillation", "DistillationState", "IDistilled"), (state.Field, state.Type, state.Interface));
        Assert.Equal(
            new Semantics.ArgCode[] { new Semantics.TypeCode("Teacher"), new Semantics.RealCode(0), new Semantics.RealCode(1), new Semantics.RealCode(0.5), new Semantics.RealCode(1), new Semantics.ScalarCode(Semantics.ScalarExpr.Int(64)) },
            state.Args.Select(a => a.Value));
        Assert.Equal(new[] { "teacher", "soft", "temperature", "hard", "ranking", "pairs" }, state.Args.Select(a => a.Name));
        var heads = Assert.IsType<Semantics.MethodCall>(student.Class.Forward.Last().Value);
        Assert.Equal(("distillation", "Heads"), (heads.Target, heads.Function));
        Assert.Equal(new[] { "head", "head_dist" }, heads.Operands.OfType<Semantics.NameOperand>().Select(n => n.Name));
        Assert.Contains(student.Class.Fields, f => f.Name == "head_dist");
        var head = student.Cost.Layers.Single(l => l.Path == "head");
        var twin = student.Cost.Layers.Single(l => l.Path == "head_dist");
        Assert.Equal((head.Macs, head.Params), (twin.Macs, twin.Params));
    }

    [Theory]
    [InlineData("teacher: Techer, soft: 1", "CM0403", "the teacher must be a model of this file, but 'Techer' names no model; did you mean 'Teacher'?")]
    [InlineData("teacher: Student, soft: 1", "CM0402", "model 'Student' cannot be its own teacher; name another model of this file")]
    [InlineData("teacher: Teacher", "CM0401", "@distill needs at least one loss weight: soft:, hard: or ranking:, such as @distill(teacher: Teacher, soft: 1)")]
    public void Distill_checks_its_teacher_and_weights(string arguments, string id, string message)
    {
        var d = OnlyError(Teacher + $$"""

            model Student @distill({{arguments}}) {
                input x: [N, 4]
                output x -> linear(3)
            }
            """);
        Assert.Equal((id, message), (d.Id, d.Message));
    }

    [Fact]
    public void Distill_goes_on_a_model_header()
    {
        var d = OnlyError(Teacher + "\n" + Model("4", "linear(3) @distill(teacher: Teacher, soft: 1)"));
        Assert.Equal("CM0018", d.Id);
        Assert.Equal("'@distill' cannot apply to linear (linear); it applies to a model, written after its header as in model Student(...) @distill(...)", d.Message);
    }

    [Fact]
    public void Hard_distillation_needs_a_linear_classifier()
    {
        var d = OnlyError(Teacher + "\n" + """
            model Student @distill(teacher: Teacher, hard: 0.5) {
                input x: [N, 4]
                output x -> linear(3) -> relu
            }
            """);
        Assert.Equal("CM0404", d.Id);
        Assert.StartsWith("hard distillation trains a distillation head beside the classifier", d.Message);
    }

    [Fact]
    public void A_layer_is_quantized_or_binarized_not_both()
    {
        var d = OnlyError("""
            model M @quant(w: 4, a: 4) {
                input x: [N, 4]
                output x -> linear(3) as fc @binarize
            }
            """);
        Assert.Equal("CM0039", d.Id);
        // Located at the annotation to exempt the layer from.
        Assert.Equal((1, 9), (d.Start.Line + 1, d.Start.Character + 1));
        Assert.Equal("'@binarize' and '@quant' both reach linear 'fc'; a layer takes one of them: exempt it from the other with @exempt(quant)", d.Message);
    }
}
