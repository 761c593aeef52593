using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>LANGUAGE.md's examples compile as written and cost what it says.</summary>
public class LanguageExamplesTests
{
    [Fact]
    public void DeiTSmall_costs_4_599_GMACs_and_timms_parameter_count()
    {
        var model = Model(CompileSample("DeiTSmall.cmodel"), "DeiTSmall");
        // LANGUAGE.md: 4.599 GMACs (±0.1%). The cost rule counts the patch embedding over 196
        // patches: 12·(4·197·384² + 2·197²·384 + 8·197·384²) + 196·384·768 + 384·1000.
        Assert.Equal(12L * (4 * 197 * 384 * 384 + 2 * 197 * 197 * 384 + 8 * 197 * 384 * 384) + 196 * 384 * 768 + 384 * 1000, model.Cost.Macs);
        Assert.InRange(model.Cost.Macs / 1e9, 4.599 * 0.999, 4.599 * 1.001);
        // timm's deit_small_patch16_224 has 22,050,664 parameters (22.05 M ±0.5% in the issue).
        Assert.Equal(22_050_664, model.Cost.Params);
        Assert.Equal("[N, 1000]", model.Cost.Output.ToString());
    }

    private static ModelResult Model(CompilationResult result, string name)
    {
        Assert.False(result.HasErrors, Errors(result));
        return result.Models.Single(m => m.Class.Name == name);
    }

    [Fact]
    public void EdsrBaseline_x2_has_exactly_1_369_859_parameters()
    {
        var model = Model(CompileSample("EdsrBaseline.cmodel"), "EdsrBaseline");
        Assert.Equal(1_369_859, model.Cost.Params);
        Assert.Equal("[N, 3, 96, 96]", model.Cost.Output.ToString());
        // The sample's laptop-scale EdsrSmall: head 3·32·9 + 32, 17 body convolutions of 32·32·9 + 32, upsampler 32·128·9 + 128, tail 32·3·9 + 3.
        Assert.Equal(896 + 17 * 9248 + 36992 + 867, Model(CompileSample("EdsrBaseline.cmodel"), "EdsrSmall").Cost.Params);
    }

    [Fact]
    public void FashionResNet_costs_follow_the_convolution_rule()
    {
        var model = Single(CompileSample("FashionResNet.cmodel"));
        // stem conv 28·28·32 outputs × 1·9; each BasicBlock(32): two 3×3 convs and a 1×1 projection.
        long stem = 28 * 28 * 32 * 9;
        long block32 = 2 * (28 * 28 * 32 * 32 * 9) + 28 * 28 * 32 * 32;
        long block64 = 14 * 14 * 64 * 32 * 9 + 14 * 14 * 64 * 64 * 9 + 14 * 14 * 64 * 32;
        Assert.Equal(stem + 2 * block32 + block64 + 64 * 10, model.Cost.Macs);
        Assert.Equal("[N, 10]", model.Cost.Output.ToString());
    }

    [Fact]
    public void DeiTSmall_layer_names_are_timms_state_dict_prefixes()
    {
        var model = Model(CompileSample("DeiTSmall.cmodel"), "DeiTSmall");
        var paths = model.Cost.Layers.Select(l => l.Path).ToList();
        Assert.Equal(new[] { "patch_embed", "cls_token", "pos_embed", "blocks.0.norm1", "blocks.0.attn", "blocks.0.norm2", "blocks.0.mlp" }, paths.Take(7));
        Assert.Equal(new[] { "blocks.11.mlp", "norm", "cls_select", "head" }, paths.TakeLast(4));
    }

    [Fact]
    public void Every_sample_compiles_without_diagnostics()
    {
        foreach (var path in SamplePaths())
        {
            var result = CModelCompiler.Compile(path, File.ReadAllText(path));
            Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        }
    }
}
