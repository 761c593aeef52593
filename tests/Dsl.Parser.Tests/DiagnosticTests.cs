using System.Globalization;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Methods;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>Every diagnostic code: its exact line, column (one-based) and message.</summary>
public class DiagnosticTests
{
    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        { "CM0001", "model M {\n    input x: [N, 4]\n    output x -> linear(3\n}", 3, 25, "missing ')' to close 'linear(' at (3,23)" },
        { "CM0002", Model("4", "lienar(3)"), 3, 17, "unknown layer or block 'lienar'; did you mean 'linear'?" },
        { "CM0003", "model M {\n    input x: [N, 4]\n    output y -> linear(3)\n}", 3, 12, "unknown name 'y'; did you mean 'x'?" },
        { "CM0004", Model("4", "linear(3, bais: false)"), 3, 27, "linear has no argument 'bais'; did you mean 'bias'?" },
        { "CM0005", Model("4", "linear(3.5)"), 3, 24, "argument 'out_features' of linear expects an int but got float 3.5" },
        { "CM0006", Model("4, 8, 8", "conv2d(8)"), 3, 17, "conv2d needs argument 'kernel' (an int or a list of ints)" },
        { "CM0007", Model("4", "linear(3, true, 4)"), 3, 33, "linear takes at most 2 positional arguments but got 3" },
        { "CM0008", Model("4", "linear(3, out_features: 4)"), 3, 27, "argument 'out_features' of linear is given more than once" },
        { "CM0009", Model("4, 8, 8", "conv2d(8, kernel: 0)"), 3, 35, "argument 'kernel' of conv2d must be at least 1 but is 0" },
        { "CM0010", Model("64, 7, 7", "conv1d(10, kernel: 3)"), 3, 17, "conv1d expects [N, C, W] but got [N, 64, 7, 7]" },
        { "CM0034", Model("64, 7, 7", "linear(10)"), 3, 17, "linear applies over the last dimension (7) of [N, 64, 7, 7]; insert `flatten` (or a pool) first if you meant the features" },
        { "CM0011", "model M {\n    input x: [N, 4]\n    a = x -> linear(3)\n    output a + x\n}", 4, 14, "cannot apply '+' to shapes [N, 3] and [N, 4]: dimension 1 is 3 on the left and 4 on the right" },
        { "CM0012", "model M {\n    input x: [N, 4]\n    output x\n}\nmodel M {\n    input x: [N, 4]\n    output x\n}", 5, 7, "'M' is already declared at line 1" },
        { "CM0013", "model M {\n    input x: [N, 4]\n    h = x -> linear(4) as fc\n    output h -> linear(2) as fc\n}", 4, 30, "layer name 'fc' is already used at line 3; choose another name with 'as'" },
        { "CM0014", "model M {\n    y = 1\n}", 1, 7, "model 'M' declares no input; add one such as `input x: [N, 3, 32, 32]`" },
        { "CM0015", "model M {\n    input x: [N, 4]\n}", 1, 7, "model 'M' has no output; end its body with `output <expression>`" },
        { "CM0016", Model("4", "linear(3) @quantise(bits: 4)"), 3, 28, "unknown annotation '@quantise'" },
        { "CM0019", "block B(c: int) {\n    input x: [N, C]\n    output x -> B(c)\n}\nmodel M {\n    input x: [N, 4]\n    output x -> B(4)\n}", 3, 17, "block 'B' uses itself (B -> B) (in the call at (7,17))" },
        { "CM0020", "model M {\n    input x: [3, 4]\n    output x\n}", 2, 15, "the first dimension of an input is the batch: write a name such as N" },
        { "CM0021", "model M(c: int) {\n    input x: [N, 4]\n    output x -> linear(c)\n}", 1, 9, "model parameter 'c' needs a default value (for example 'c: int = ...') so that the model can be checked and costed" },
        { "CM0022", Model("4", "linear(3) as forward"), 3, 30, "'forward' is reserved (TorchSharp's Module has a member of that name); choose another name" },
        { "CM0023", "model M(c: integer = 3) {\n    input x: [N, 4]\n    output x\n}", 1, 12, "unknown type 'integer'; expected int, float or bool" },
        { "CM0024", Model("4", "linear(x)"), 3, 24, "expected an int but 'x' is a tensor [N, 4]" },
        { "CM0025", Model("4", "linear(3 / 2)"), 3, 24, "3 / 2 does not divide evenly; sizes must be whole numbers" },
        { "CM0026", "model M {\n    input x: [N, 4]\n    a = x -> relu\n    output x -> relu\n}", 3, 5, "'a' is computed but never used" },
        { "CM0028", "// nothing yet\n", 1, 1, "the file declares no model, so no class is generated" },
        { "CM0029", "block B {\n    input x: [N, 4]\n    output x\n}\nmodel M {\n    input x: [N, 4]\n    output x -> relu\n}", 1, 7, "block 'B' is never used, so it is not checked beyond its syntax" },
        { "CM0107", TokensTests.Vit("@tokens(prune: [5, 5, 4])"), 9, 51, "@tokens prune needs one kept count per block (2) but has 3" },
        { "CM0033", Model("4", "linear(99999999999999999999)"), 3, 24, "99999999999999999999 is too large; CModel accepts integers, sizes and costs up to 9,007,199,254,740,991 (2^53 − 1)" },
        { "CM0036", "block B(s: int, s: int) {\n    input x: [N, 4]\n    output x\n}\nmodel M {\n    input x: [N, 4]\n    output x -> B(1, 2)\n}", 1, 17, "parameter 's' is already declared at line 1" },
        { "CM0038", Model("4", "repeat(10000) { repeat(10000) { relu } }"), 3, 17, "model 'M' expands past 100,000 layers here (repeats multiply); CModel caps a model there" },
        { "CM0032", TokensTests.Vit("@tokens(prune: [12, 15])"), 9, 51, "a block keeps min(tokens entering, prune, merge), so some counts here change nothing; the schedule in effect is @tokens(prune: [12, 12], merge: [12, 12])" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_at_the_offending_token(string id, string source, int line, int column, string message)
    {
        var d = Assert.Single(Compile(source).Diagnostics, d => d.Id == id);
        Assert.Equal((line, column, message), (d.Start.Line + 1, d.Start.Character + 1, d.Message));
        Assert.Equal($"test.cmodel({line},{column}): {(d.IsError ? "error" : "warning")} {id}: {message}", d.ToString());
    }

    public static TheoryData<string, string, int, int, string> AnnotationCases => new()
    {
        { "CM0031", Model("4, 8, 8", "conv2d(3, kernel: 1) @testq(bits: 17)"), 3, 38, "at most 16 bits" },
        { "CM0018", Model("4", "linear(3) @testq(bits: 4)"), 3, 28, "'@testq' cannot apply to linear (linear); it applies to conv layers" },
        { "CM0027", "model M @testq(bits: 4) {\n    input x: [N, 4]\n    output x -> linear(3)\n}", 1, 9, "'@testq' applies to no layer here: model 'M' contains no conv layer" },
        { "CM0009", "model M @testq(bits: 1) {\n    input x: [N, 4, 8, 8]\n    output x -> conv2d(3, kernel: 3)\n}", 1, 22, "argument 'bits' of @testq must be at least 2 but is 1" },
    };

    private const string DistillTeacher = "model T {\n    input x: [N, 4]\n    output x -> linear(3)\n}\n";

    private static string Student(string annotation, string output = "x -> linear(3)") =>
        DistillTeacher + $"model S {annotation} {{\n    input x: [N, 4]\n    output {output}\n}}";

    /// <summary>Each method's own diagnostics (a block of ids per method), where they point and what they say.</summary>
    public static TheoryData<string, string, int, int, string> MethodCases => new()
    {
        { "CM0039", "model M @quant(w: 4, a: 4) {\n    input x: [N, 4]\n    output x -> linear(3) as fc @binarize\n}", 1, 9,
            "'@binarize' and '@quant' both reach linear 'fc'; a layer takes one of them: exempt it from the other with @exempt(quant)" },
        { "CM0040", "block B {\n    input x: [N, 4]\n    output a: x, b: x\n}\nmodel M {\n    input x: [N, 4]\n    output x -> B\n}", 3, 12,
            "block 'B' names an output, 'a'; a block returns one tensor and names no features (a model may) (in the call at (7,17))" },
        { "CM0041", "model M {\n    input x: [N, 4]\n    feature h: x\n    feature h: x -> relu\n    output x\n}", 4, 13,
            "'h' already names a feature at line 3; each output and each feature needs its own name" },
        { "CM0101", TokensTests.Vit("@tokens(prune: [17, 9], target: 0.5)"), 9, 43,
            "@tokens takes either fixed kept counts (prune:, merge:) or a target (target:, target_gmacs:), not both" },
        { "CM0102", TokensTests.Vit("@tokens"), 9, 43,
            "@tokens needs fixed kept counts (prune: [...], merge: [...]) or a target (target: 0.5 of the full MACs, or target_gmacs:)" },
        { "CM0103", TokensTests.Vit("@tokens(target: 0.5, target_gmacs: 1)"), 9, 64, "@tokens takes one target: target (a fraction) or target_gmacs" },
        { "CM0104", TokensTests.Vit("@tokens(merge: [17, 9], reduce: prune)"), 9, 67,
            "reduce: chooses which reductions learn; with fixed counts, give only the list you need (prune: or merge:)" },
        { "CM0105", TokensTests.Vit("@tokens(prune: [9, 9])").Replace("-> pos_embed", "-> pos_embed -> flatten"), 9, 43,
            "@tokens needs tokens [N, T, C] entering the blocks but they get [N, 136]" },
        { "CM0106", TokensTests.Vit("@tokens(target: 0.8, exempt: [2])"), 9, 64, "@tokens exempt names block 2 but the stack has blocks 0 to 1" },
        { "CM0108", TokensTests.Vit("@tokens(prune: [17, 18])"), 9, 51, "@tokens prune[1] keeps 18 tokens but only 17 enter the blocks" },
        { "CM0109", TokensTests.Vit("@tokens(prune: [9, 9])").Replace("h = x + (x -> layer_norm -> attention(2))", "h = (x + (x -> layer_norm -> attention(2))) -> flatten"), 3, 5,
            "@tokens reduces tokens [N, T, C] but 'h' is [N, 136] (in the call at (9,26))" },
        { "CM0110", "block A(dim: int) {\n    input x: [N, T, dim]\n    output x -> attention(2)\n}\nblock B(dim: int) {\n    input x: [N, T, dim]\n    output x -> A(dim)\n}\n" +
            "model M {\n    input x: [N, 5, 8]\n    output x -> repeat(2) { B(8) } @tokens(prune: [4, 3])\n}", 11, 36,
            "@tokens reduces tokens after a block's attention, but block 'B' has no attention layer (in the call at (11,29))" },
        { "CM0111", "model M {\n    input x: [N, 5, 8]\n    output x -> repeat(2) { attention(2) } @tokens(prune: [4, 3])\n}", 3, 44,
            "@tokens needs the repeated stage to be one block (with an attention layer), as in repeat(12) { EncoderBlock(384, 6) }" },
        { "CM0112", TokensTests.Vit("@tokens(target_gmacs: 1)"), 9, 43, "@tokens target 1 GMACs must be below the full cost, 0.000029 GMACs" },
        { "CM0113", TokensTests.Vit("@tokens(target: 0.3)"), 9, 43,
            "@tokens target 0.000009 GMACs is below the least this stack can cost, 0.000026 GMACs (exempt blocks keep every token and each block attends to the tokens it receives)" },
        { "CM0201", Model("4", "linear(3) @quant(weight: per_tensor)"), 3, 27, "@quant needs bit-widths: w: for weights and/or a: for activations, such as @quant(w: 4, a: 4)" },
        { "CM0202", Model("4", "linear(3) @quant(w: 0)"), 3, 34, "w must be between 2 and 8 bits but is 0" },
        { "CM0301", Model("8", "linear(8) @binarize(weights: false, activations: false)"), 3, 53,
            "@binarize with neither weights nor activations changes nothing; drop it or exempt the layer with @exempt(binarize)" },
        { "CM0302", Model("4", "linear(3) @binarize(method: plain, gamma: constant)"), 3, 52, "gamma belongs to method: rebnn, but this @binarize uses method: plain" },
        { "CM0303", "model M @binarize(method: rebnn) {\n    input x: [N, 5, 8]\n    output x -> attention(2) -> linear(8)\n}", 1, 9,
            "ReBNN binarizes convolutions and linears; binarize attention with method: bivit (or plain), or exempt it with @exempt(binarize)" },
        { "CM0501", Model("4", "linear(3) @prune(amount: 1)"), 3, 34,
            "@prune(amount: 1) would zero every weight; give the fraction to remove, below 1, such as @prune(amount: 0.5)" },
        { "CM0601", Model("8", "linear(4) @sparse(n: 4, m: 4)"), 3, 35,
            "@sparse keeps n of every m weights, so n must be below m, but n: 4, m: 4; 2:4 is the pattern sparse tensor cores run" },
        { "CM0602", Model("8", "linear(4) @sparse(n: 2, m: 4, method: forward, interval: 10)"), 3, 64,
            "interval sets Bi-Mask's permutation search, but this @sparse uses method: forward" },
        { "CM0603", Model("3, 8, 8", "conv2d(8, kernel: 3) @sparse(n: 2, m: 4)"), 3, 17,
            "conv2d 'conv2d': each output sums 27 weights, not a multiple of m: 4; exempt it with @exempt(sparse) (as the stem usually is) or change its input channels" },
        { "CM0604", Model("8", "linear(10) @sparse(n: 2, m: 4)"), 3, 17,
            "linear 'linear': method: bimask groups the 10 output channels by m: 4 for the backward mask, and 10 is not a multiple; exempt it with @exempt(sparse) (as the classifier usually is), change its outputs, or use method: forward" },
        { "CM0605", Model("8, 4, 4", "conv_transpose2d(8, kernel: 2, stride: 2) @sparse(n: 2, m: 4)"), 3, 17,
            "conv_transpose2d 'conv_transpose2d': @sparse runs along the dimension a weight's outputs sum over, which a transposed convolution's weight does not lay out; exempt it with @exempt(sparse)" },
        { "CM0701", "model M @multibit(bits: [2, 9]) {\n    input x: [N, 8]\n    output x -> linear(4)\n}", 1, 19,
            "@multibit runs 2 to 8 bits (2-bit branches, at least one per width), not 9" },
        { "CM0702", "model M @multibit(method: switch, amortized: false) {\n    input x: [N, 8]\n    output x -> linear(4)\n}", 1, 35,
            "amortized: chooses which branches serve each width, and method: switch has one set of weights, no branches" },
        { "CM0703", "model M @multibit {\n    input x: [N, 8]\n    output x -> linear(8) -> layer_norm\n}", 3, 30,
            "layer_norm 'layer_norm': @multibit runs linear, ungrouped convolution and batch_norm layers as 2-bit branches, not layer_norm; exempt it with @exempt(multibit)" },
        { "CM0704", "model M @multibit {\n    input x: [N, 8]\n    output x -> linear(4) @exempt(multibit)\n}", 1, 9,
            "@multibit reaches no layer of this model: every linear, convolution and batch_norm is exempt; leave the body's layers unexempted" },
        { "CM0801", Model("3, 8, 8", "conv2d(4, kernel: 3) @ptq(w: 1, a: 4)"), 3, 43, "w must be between 2 and 16 bits but is 1" },
        { "CM0802", Model("3, 8, 8", "conv2d(4, kernel: 3) @ptq(w: 4, a: 9)"), 3, 49,
            "DFSQ at a: 9 selects 512 points per channel, but its universal set (terms: 4, shift: 4) holds 377 values; use a: 8 or fewer bits, or more terms" },
        { "CM0803", Model("8", "linear(4) @ptq(method: minmax, w: 4, a: 4, restarts: 3)"), 3, 60,
            "restarts sets DFSQ's point selection, but this @ptq uses method: minmax" },
        { "CM0804", Model("8", "linear(4) @ptq(w: 4, a: 4)"), 3, 17,
            "linear 'linear': DFSQ normalises each channel over a sample's positions, which the input of linear does not have; use method: minmax or percentile here, or exempt it with @exempt(ptq)" },
        { "CM0901", Model("2, 4, 6, 6", "conv3d(4, kernel: 3, padding: 1) @winograd(tile: 3)"), 3, 60, "Winograd tiles are F(2, 3) or F(4, 3), so tile is 2 or 4, not 3" },
        { "CM0902", Model("2, 4, 6, 6", "conv3d(4, kernel: 3, padding: 1) @winograd(keep: 70)"), 3, 60, "tile: 2 has 64 Winograd positions (α³), so keep runs to 64, not 70" },
        { "CM0903", Model("2, 4, 6, 6", "conv3d(4, kernel: 3, padding: 1) @winograd(mode: direct_winograd, rank: 8)"), 3, 83,
            "rank factors U = P·Q in mode: lowrank, and mode: direct_winograd trains U itself" },
        { "CM0904", Model("2, 4, 6, 6", "conv3d(4, kernel: 3, stride: 2, padding: 1) @winograd"), 3, 17,
            "conv3d 'conv3d': Winograd F(m, 3) computes stride-1, undilated, ungrouped 3×3×3 convolutions, and this one's stride differs" },
        { "CM1001", DynamicTests.Net(header: "@dynamic(widths: [0.5, 0.5])"), 1, 30, "widths lists 0.5 twice; each width is one setting of the network" },
        { "CM1002", DynamicTests.Net(stem: ""), 1, 21, "conv2d 'stem' slims its input, but its input is full at every width; slim its outputs only: @dynamic(slim: outputs)" },
        { "CM1003", DynamicTests.Net().Replace("as down", "as down(groups: 3)").Replace("kernel: 3, stride: 2", "kernel: 3, groups: 3, stride: 2").Replace("as down(groups: 3)", "as down"), 4, 14,
            "conv2d 'down': @dynamic slims ungrouped conv2d layers and switches batch_norm, not a grouped convolution; exempt it with @exempt(dynamic)" },
        { "CM1004", DynamicTests.Net(tail: ""), 1, 21, "conv2d 'tail' keeps no channel at width 0.25: int(0.25·3) = 0; widen it or drop the width" },
        { "CM1005", DynamicTests.Net().Replace("[N, 3, 16, 16]", "[N, 3, 16, 8]"), 1, 21,
            "@dynamic restores images patch by patch: the model takes one square patch [N, C, P, P], not [N, 3, 16, 8]" },
        { "CM0401", Student("@distill(teacher: T)"), 5, 9, "@distill needs at least one loss weight: soft:, hard: or ranking:, such as @distill(teacher: Teacher, soft: 1)" },
        { "CM0402", Student("@distill(teacher: S, soft: 1)"), 5, 18, "model 'S' cannot be its own teacher; name another model of this file" },
        { "CM0403", Student("@distill(teacher: Q, soft: 1)"), 5, 18, "the teacher must be a model of this file, but 'Q' names no model; did you mean 'T'?" },
        { "CM0404", Student("@distill(teacher: T, hard: 0.5)", "x -> linear(3) -> relu"), 5, 30,
            "hard distillation trains a distillation head beside the classifier, so the model's output must come straight from a linear layer (its classifier)" },
        { "CM0405", Student("@distill(teacher: T, hard: 0.5)", "x -> linear(4) as linear_dist -> linear(3)"), 5, 30,
            "the distillation head would be named 'linear_dist', which this model already uses; rename the classifier with 'as'" },
        { "CM0406", Student("@distill(method: dcd, teacher: T, discriminator: T, layer: h, soft: 1)"), 5, 71,
            "soft belongs to method: logits, but this @distill uses method: dcd" },
        { "CM0407", Student("@distill(method: dcd, teacher: T, discriminator: T)"), 5, 9,
            "DCD compares the generators' features through a discriminator: name it and its feature, such as @distill(method: dcd, teacher: Teacher, discriminator: PatchDiscriminator, layer: hidden)" },
        { "CM0408", Student("@distill(method: dcd, teacher: T, discriminator: D, layer: h)"), 5, 43,
            "DCD's discriminator must be another model of this file, but 'D' names no model" },
        { "CM0406", Student("@distill(method: drd, teacher: T, maps: 1)"), 5, 43, "maps belongs to method: features, but this @distill uses method: drd" },
        { "CM0401", Student("@distill(method: drd, teacher: T, drd: 0)"), 5, 9, "@distill needs at least one loss weight: drd:, such as @distill(method: drd, teacher: Teacher, drd: 1)" },
        { "CM0409", Student("@distill(method: drd, teacher: T)"), 5, 18,
            "method: drd distils the detector's decoder features, but it names none; name them in the student and the teacher, such as 'feature queries: h'" },
        { "CM0409", Student("@distill(method: features, teacher: T)"), 5, 18,
            "method: features distils the generator at its named features, but it names none; name them in the student and the teacher, such as 'feature down: h'" },
    };

    [Theory]
    [MemberData(nameof(MethodCases))]
    public void Method_diagnostics(string id, string source, int line, int column, string message)
    {
        var d = Assert.Single(Compile(source).Diagnostics, d => d.IsError);
        Assert.Equal((id, line, column, message), (d.Id, d.Start.Line + 1, d.Start.Character + 1, d.Message));
    }

    [Theory]
    [MemberData(nameof(AnnotationCases))]
    public void Annotation_diagnostics(string id, string source, int line, int column, string message)
    {
        var d = Assert.Single(Compile(source, TestQuantAnnotation.Catalog).Diagnostics, d => d.Id == id);
        Assert.Equal((line, column, message), (d.Start.Line + 1, d.Start.Character + 1, d.Message));
    }

    [Fact]
    public void Every_descriptor_has_a_test_case()
    {
        var tested = Cases.Concat(AnnotationCases).Concat(MethodCases).Select(c => (string)c[0])
            .Append("CM0030") // cross-file: Dsl.Generator.Tests
            .Append("CM0035") // cross-file: A_broken_block_of_another_file_is_reported_at_the_call
            .Append("CM0037") // internal errors: the fuzz tests assert none is ever reported
            .ToHashSet();
        var untested = DiagnosticDescriptors.All.Select(d => d.Id).Where(id => !tested.Contains(id)).ToList();
        Assert.Empty(untested);
    }

    [Fact]
    public void Descriptor_ids_are_unique_and_sequential_in_each_block()
    {
        // CM00xx the language's; CM01xx, CM02xx, ... one block per method, each from xx01. A retired
        // id keeps its number (CM0017, "annotation not available", went when the last reserved method came).
        var retired = new[] { "CM0017" };
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Empty(ids.Intersect(retired));
        foreach (var block in ids.Concat(retired).Select(id => int.Parse(id.Substring(2), CultureInfo.InvariantCulture)).GroupBy(n => n / 100))
        {
            Assert.Equal(Enumerable.Range(block.Key * 100 + 1, block.Count()), block.OrderBy(n => n));
        }
    }

    [Fact]
    public void Each_method_owns_its_block_of_ids()
    {
        // CM0032 (token counts rise) is DiffRate's from before methods had blocks of ids.
        foreach (var method in MethodRegistry.All)
        {
            var blocks = method.Diagnostics.Where(d => d.Id != "CM0032").Select(d => d.Id.Substring(0, 4)).Distinct().ToList();
            Assert.True(blocks.Count == 1 && blocks[0] != "CM00", $"@{method.Name} reports ids from {string.Join(", ", blocks)}");
        }
        Assert.Equal(MethodRegistry.All.Count, MethodRegistry.All.Select(m => m.Diagnostics[^1].Id.Substring(0, 4)).Distinct().Count());
    }

    [Fact]
    public void A_broken_declaration_does_not_hide_errors_in_the_next()
    {
        var result = Compile("model A {\n    input x: [N, 4]\n    output x -> (\n}\nmodel B {\n    input x: [N, 4]\n    output x -> lienar(2)\n}");
        Assert.Equal(new[] { "CM0001", "CM0002" }, result.Diagnostics.Where(d => d.IsError).Select(d => d.Id));
    }

    [Fact]
    public void A_broken_block_of_another_file_is_reported_at_the_call()
    {
        var lib = ("/p/Lib.cmodel", "block Stem(c: int) {\n    input x: [N, C]\n    output x -> linear(c\n}\n");
        var result = CModelCompiler.Compile("/p/A.cmodel", "model A {\n    input x: [N, 4]\n    output x -> Stem(4)\n}\n", project: new[] { lib });
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("CM0035", 3, 17), (d.Id, d.Start.Line + 1, d.Start.Character + 1));
        Assert.Equal("block 'Stem' of Lib.cmodel has syntax errors, reported in that file; fix them there", d.Message);
    }
}
