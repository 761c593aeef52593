using System.Text.Json;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>DiffRate's @tokens: fixed kept counts shape the blocks and give the published costs.</summary>
public class TokensTests
{
    /// <summary>A two-block ViT on 16 patches + class token; the annotation goes on its block stack (line 9).</summary>
    public static string Vit(string annotation) => $$"""
        block B(dim: int) {
            input x: [N, T, dim]
            h = x + (x -> layer_norm -> attention(2))
            output h + (h -> layer_norm -> mlp(hidden: dim * 2))
        }
        model V {
            input x: [N, 1, 16, 16]
            t = x -> patch_embed(dim: 8, patch: 4) -> cls_token -> pos_embed
            t = t -> repeat(2) { B(8) } as blocks {{annotation}}
            output t -> cls_select -> linear(3)
        }
        """;

    /// <summary>A published figure copied into Fixtures/ (each file names its source).</summary>
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void DeiT_small_with_the_published_rates_costs_2_905_GMACs()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Fixture("diffrate-deit-s-2.9.json")));
        string List(string key) => "[" + string.Join(", ", fixture.RootElement.GetProperty(key).EnumerateArray().Select(e => e.GetInt32())) + "]";
        var deit = File.ReadAllText(SamplePaths().Single(p => p.EndsWith("DeiTSmall.cmodel", StringComparison.Ordinal)));
        var result = Compile(deit + $$"""

            model Published {
                input img: [N, 3, 224, 224]
                t = img -> patch_embed(dim: 384, patch: 16) -> cls_token -> pos_embed
                t = t -> repeat(12) { EncoderBlock(384, 6) } @tokens(prune: {{List("prune_kept")}}, merge: {{List("merge_kept")}})
                output t -> layer_norm -> cls_select -> linear(1000)
            }
            """);
        Assert.False(result.HasErrors, Errors(result));
        var published = result.Models.Single(m => m.Class.Name == "Published").Cost;
        var full = result.Models.Single(m => m.Class.Name == "DeiTSmall").Cost;
        var expected = fixture.RootElement.GetProperty("gmacs_compressed").GetDouble();
        Assert.InRange(published.Macs / 1e9, expected * 0.999, expected * 1.001);
        Assert.InRange(full.Macs / 1e9, fixture.RootElement.GetProperty("gmacs_uncompressed").GetDouble() * 0.999, fixture.RootElement.GetProperty("gmacs_uncompressed").GetDouble() * 1.001);
        // The same sample declares the published rates as DeiTSmallDiffRate.
        Assert.Equal(published.Macs, result.Models.Single(m => m.Class.Name == "DeiTSmallDiffRate").Cost.Macs);
    }

    /// <summary>A ViT of the fixture's config with one published schedule on its blocks.</summary>
    private static string PublishedVit(JsonElement config, JsonElement schedule)
    {
        string List(string key) => "[" + string.Join(", ", schedule.GetProperty(key).EnumerateArray().Select(e => e.GetInt32())) + "]";
        int C(string key) => config.GetProperty(key).GetInt32();
        return $$"""
            block EncoderBlock(dim: int, heads: int) {
                input x: [N, T, dim]
                h = x + (x -> layer_norm -> attention(heads))
                output h + (h -> layer_norm -> mlp(hidden: dim * 4))
            }
            model Published {
                input img: [N, 3, {{C("image")}}, {{C("image")}}]
                t = img -> patch_embed(dim: {{C("width")}}, patch: {{C("patch")}}) -> cls_token -> pos_embed
                t = t -> repeat({{C("depth")}}) { EncoderBlock({{C("width")}}, {{C("heads")}}) } @tokens(prune: {{List("prune_kept")}}, merge: {{List("merge_kept")}})
                output t -> layer_norm -> cls_select -> linear({{C("classes")}})
            }
            """;
    }

    [Fact]
    public void Every_published_ViT_L_MAE_schedule_costs_its_label_within_0_05_GMACs()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Fixture("diffrate-published-schedules.json")));
        var vitL = fixture.RootElement.GetProperty("models").GetProperty("ViT-L-MAE");
        var labels = new List<string>();
        foreach (var schedule in vitL.GetProperty("schedules").EnumerateObject())
        {
            var result = Compile(PublishedVit(vitL.GetProperty("config"), schedule.Value));
            Assert.False(result.HasErrors, Errors(result));
            var gmacs = Single(result).Cost.Macs / 1e9;
            Assert.True(Math.Abs(gmacs - double.Parse(schedule.Name, System.Globalization.CultureInfo.InvariantCulture)) <= 0.05, $"ViT-L MAE {schedule.Name}: {gmacs:0.000} GMACs");
            labels.Add(schedule.Name);
        }
        Assert.Equal(new[] { "31.0", "34.7", "38.5", "42.3", "46.1" }, labels);
    }

    [Fact]
    public void Every_published_schedule_compiles_and_rising_ones_say_what_they_keep()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Fixture("diffrate-published-schedules.json")));
        var rising = new List<string>();
        foreach (var model in fixture.RootElement.GetProperty("models").EnumerateObject())
        {
            foreach (var schedule in model.Value.GetProperty("schedules").EnumerateObject())
            {
                var result = Compile(PublishedVit(model.Value.GetProperty("config"), schedule.Value));
                Assert.False(result.HasErrors, Errors(result));
                if (result.Diagnostics.Any(d => d.Id == "CM0032")) rising.Add($"{model.Name} {schedule.Name}");
            }
        }
        // The issue names these: ViT-L MAE 31.0/34.7/38.5/42.3, ViT-T 1.0, DeiT-S 2.5, and ViT-H.
        Assert.Contains("ViT-L-MAE 42.3", rising);
        Assert.Contains("ViT-L-MAE 31.0", rising);
        Assert.Contains("ViT-T-DeiT 1.0", rising);
        Assert.Contains("ViT-S-DeiT 2.5", rising);
        Assert.Contains(rising, r => r.StartsWith("ViT-H-MAE", StringComparison.Ordinal));
        Assert.DoesNotContain("ViT-S-DeiT 2.9", rising);
    }

    [Fact]
    public void A_rising_list_keeps_the_running_minimum_and_warns_with_the_schedule_in_effect()
    {
        // Block 0 prunes to 12 and merges to 10; block 1's 15 and 14 are above the 10 entering.
        var result = Compile(Vit("@tokens(prune: [12, 15], merge: [10, 14])"));
        var model = Single(result);
        var warning = Assert.Single(result.Diagnostics, d => d.Id == "CM0032");
        Assert.Equal("a block keeps min(tokens entering, prune, merge), so some counts here change nothing; the schedule in effect is @tokens(prune: [12, 10], merge: [10, 10])", warning.Message);
        Assert.Equal("[N, 10, 8]", model.Cost.Layers.Single(l => l.Path == "blocks.0.mlp").Output.ToString());
        Assert.Equal("[N, 10, 8]", model.Cost.Layers.Single(l => l.Path == "blocks.1.mlp").Output.ToString());
        // Block 1 attends over the 10 tokens block 0 left: 4·10·8² + 2·10²·8.
        Assert.Equal(4 * 10 * 64 + 2 * 10 * 10 * 8, model.Cost.Layers.Single(l => l.Path == "blocks.1.attention").Macs);
    }

    [Fact]
    public void Each_block_keeps_min_of_its_counts_and_the_mlp_runs_on_what_is_left()
    {
        var model = Single(Compile(Vit("@tokens(prune: [17, 12], merge: [17, 9])")));
        var rows = model.Cost.Layers.ToDictionary(l => l.Path);
        Assert.Equal("[N, 17, 8]", rows["blocks.0.mlp"].Output.ToString());
        Assert.Equal("[N, 17, 8]", rows["blocks.1.attention"].Output.ToString());
        Assert.Equal("[N, 9, 8]", rows["blocks.1.mlp"].Output.ToString());
        // Cost rule: attention 4·N·C² + 2·N²·C before the reduction, MLP 2·N·C·hidden after it.
        Assert.Equal(4 * 17 * 64 + 2 * 17 * 17 * 8, rows["blocks.1.attention"].Macs);
        Assert.Equal(9 * (8 * 16 + 16 * 8), rows["blocks.1.mlp"].Macs);
    }

    [Fact]
    public void On_the_model_it_reaches_the_stack_of_blocks()
    {
        var text = Vit("").Replace("model V {", "model V @tokens(prune: [17, 10]) {");
        var model = Single(Compile(text));
        Assert.Equal("[N, 10, 8]", model.Cost.Layers.Single(l => l.Path == "blocks.1.mlp").Output.ToString());
    }

    [Fact]
    public void Fixed_counts_make_fixed_blocks_with_those_counts()
    {
        var plans = TokenPlans(Single(Compile(Vit("@tokens(prune: [17, 9], merge: [12, 9])"))));
        Assert.Equal(new[] { (17L, 12L, false), (9L, 9L, false) }, plans.Select(p => (p.Prune, p.Merge, p.Learned)));
        // Only learned stacks need each block's cost as a function of its tokens.
        Assert.All(plans, p => Assert.Null(p.Cost));
    }

    [Theory]
    [InlineData("@tokens(prune: [17, 18])", "CM0108", "@tokens prune[1] keeps 18 tokens but only 17 enter the blocks")]
    [InlineData("@tokens(target: 0.3)", "CM0113", "@tokens target 0.000009 GMACs is below the least this stack can cost, 0.000026 GMACs (exempt blocks keep every token and each block attends to the tokens it receives)")]
    [InlineData("@tokens(target: 0)", "CM0113", "@tokens target 0 GMACs is below the least this stack can cost, 0.000026 GMACs (exempt blocks keep every token and each block attends to the tokens it receives)")]
    [InlineData("@tokens(target_gmacs: 0)", "CM0113", "@tokens target 0 GMACs is below the least this stack can cost, 0.000026 GMACs (exempt blocks keep every token and each block attends to the tokens it receives)")]
    [InlineData("@tokens(target_gmacs: 1)", "CM0112", "@tokens target 1 GMACs must be below the full cost, 0.000029 GMACs")]
    [InlineData("@tokens(target: 0.8, exempt: [2])", "CM0106", "@tokens exempt names block 2 but the stack has blocks 0 to 1")]
    [InlineData("@tokens(prune: [17, 9], target: 0.5)", "CM0101", "@tokens takes either fixed kept counts (prune:, merge:) or a target (target:, target_gmacs:), not both")]
    [InlineData("@tokens(merge: [17, 9], reduce: prune)", "CM0104", "reduce: chooses which reductions learn; with fixed counts, give only the list you need (prune: or merge:)")]
    [InlineData("@tokens", "CM0102", "@tokens needs fixed kept counts (prune: [...], merge: [...]) or a target (target: 0.5 of the full MACs, or target_gmacs:)")]
    public void Schedules_are_checked(string annotation, string id, string message)
    {
        var d = Assert.Single(Compile(Vit(annotation)).Diagnostics, d => d.IsError);
        Assert.Equal((id, message), (d.Id, d.Message));
    }

    [Fact]
    public void Learned_rates_keep_the_full_shapes_and_check_the_target()
    {
        // The least this stack costs: block 1's MLP on 3 tokens, the rest full, 25,144 of 28,728 MACs.
        var model = Single(Compile(Vit("@tokens(target: 0.9, granularity: 2)")));
        Assert.Equal("[N, 17, 8]", model.Cost.Layers.Single(l => l.Path == "blocks.1.mlp").Output.ToString());
        var state = Assert.Single(model.Class.Members);
        Assert.Equal(("tokens", "TokenState", "Tokens"), (state.Field, state.Type, state.Property));
        Assert.Equal(("What the blocks of the @tokens stack share: token sizes, class attention, learned rates.", "The @tokens stack's state: its learned schedule and expected MACs."),
            (state.Summary, state.PropertySummary));
        var args = state.Args.ToDictionary(a => a.Name, a => ((Semantics.RealCode)a.Value).Value);
        Assert.Equal(28_728, model.Cost.Macs);
        Assert.Equal(0.9 * 28_728, args["target_macs"], 6);
        // Outside the blocks: the patch embedding (16 patches · 8 · 16) and the classifier (8 · 3).
        Assert.Equal(16 * 8 * 16 + 8 * 3, args["fixed_macs"]);
        // Fixed counts: a token state without a target.
        Assert.Empty(Assert.Single(Single(Compile(Vit("@tokens(prune: [9, 9])"))).Class.Members).Args);
    }

    [Fact]
    public void It_cannot_go_on_a_layer()
    {
        var d = Assert.Single(Compile(Model("4, 8", "attention(2) @tokens(prune: [3])")).Diagnostics, d => d.IsError);
        Assert.Equal("'@tokens' cannot apply to attention (attention); it applies to a repeat of transformer blocks, or a model that has one", d.Message);
    }

    [Fact]
    public void A_stack_without_attention_is_warned_about()
    {
        var text = """
            block Mix(dim: int) {
                input x: [N, T, dim]
                output x + (x -> mlp(hidden: dim))
            }
            model V {
                input x: [N, 5, 8]
                output x -> repeat(2) { Mix(8) } @tokens(prune: [5, 3])
            }
            """;
        var d = Assert.Single(Compile(text).Diagnostics);
        Assert.Equal(("CM0027", "'@tokens' applies to no layer here: this repeat contains no attention layer"), (d.Id, d.Message));
    }

    [Fact]
    public void Merging_alone_learns_one_set_of_rate_logits_per_block()
    {
        var both = Single(Compile(Vit("@tokens(target: 0.9, granularity: 2)")));
        var merge = Single(Compile(Vit("@tokens(target: 0.9, granularity: 2, reduce: merge)")));
        // 16 patches at granularity 2: 8 candidates, for pruning and merging or for merging alone.
        Assert.Equal(16, both.Cost.Layers.Single(l => l.Path == "blocks.1.tokens").Params);
        Assert.Equal(8, merge.Cost.Layers.Single(l => l.Path == "blocks.1.tokens").Params);
        Assert.Equal("merge", TokenPlans(merge)[1].Reduce);
    }

    [Fact]
    public void Reduce_belongs_to_learned_rates()
    {
        var d = Assert.Single(Compile(Vit("@tokens(prune: [17, 9], reduce: merge)")).Diagnostics, d => d.IsError);
        Assert.Equal("reduce: chooses which reductions learn; with fixed counts, give only the list you need (prune: or merge:)", d.Message);
    }

    [Fact]
    public void Each_copy_of_the_stack_is_one_block()
    {
        // Two blocks per copy would take one block's share twice: the schedule counts blocks.
        var d = Assert.Single(Compile(Vit("@tokens(prune: [17, 9])").Replace("repeat(2) { B(8) }", "repeat(2) { B(8) -> B(8) }")).Diagnostics, d => d.IsError);
        Assert.Equal(("CM0111", "@tokens needs the repeated stage to be one block (with an attention layer), as in repeat(12) { EncoderBlock(384, 6) }"), (d.Id, d.Message));
    }

    [Fact]
    public void The_attention_gets_the_blocks_share_and_the_reduction_follows_the_statement_that_holds_it()
    {
        // The first statement has no attention: the tokens are reduced after the second, which does.
        var vit = Vit("@tokens(prune: [17, 9])").Replace("h = x + (x -> layer_norm -> attention(2))", "n = x -> layer_norm\n            h = x + (n -> attention(2))");
        var model = Single(Compile(vit));
        var block = Assert.Single(Compile(vit).Blocks);
        var attention = (Semantics.LayerConstruction)block.Fields.Single(f => f.Name == "attention").Construction;
        Assert.Contains(attention.Args, a => a.Name == "tokens" && a.Value is Semantics.ReferenceCode);
        var mlp = (Semantics.LayerConstruction)block.Fields.Single(f => f.Name == "mlp").Construction;
        Assert.DoesNotContain(mlp.Args, a => a.Name == "tokens");
        Assert.Equal(new[] { "n", "t1", "h", "h" }, block.Forward.Select(s => s.Variable).Take(4));
        Assert.Equal("TokenBlock.Reduce", Assert.IsType<Semantics.MethodCall>(block.Forward[3].Value).Function);
        Assert.Equal("[N, 17, 8]", model.Cost.Layers.Single(l => l.Path == "blocks.1.layer_norm").Output.ToString());
        Assert.Equal("[N, 9, 8]", model.Cost.Layers.Single(l => l.Path == "blocks.1.mlp").Output.ToString());
    }
}
