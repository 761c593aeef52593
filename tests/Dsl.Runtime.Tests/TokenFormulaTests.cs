using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// DiffRate's formulas against values worked out from the method's definitions, with inputs
/// chosen so that the term under test matters: the kept count's ceiling, the running minimum,
/// each position's keep probability, proportional attention, and merging that never targets
/// the class token.
/// </summary>
public class TokenFormulaTests
{
    private static void SetLogits(TokenBlock block, string name, Func<int, double> logit)
    {
        var logits = block.named_parameters().Single(p => p.name == name).parameter;
        using var noGrad = no_grad();
        logits.copy_(tensor(Enumerable.Range(0, (int)logits.shape[0]).Select(logit).ToArray(), dtype: logits.dtype));
    }

    [Fact]
    public void An_expectation_of_100_point_3_keeps_102_tokens()
    {
        // Candidates [196, 192, ..., 4]: 104 is index 23, 100 index 24. Weights 0.075 and 0.925
        // expect 0.075·104 + 0.925·100 = 100.3 patches; the definition keeps ⌈100.3⌉ + 1 = 102.
        var block = new TokenState().Learned(patches: 196, granularity: 4, cost: new TokenCost(1, 0, 1));
        SetLogits(block, "prune_logits", i => i == 23 ? Math.Log(0.075) : i == 24 ? Math.Log(0.925) : -1e4);
        var (prune, _) = block.ExpectedKept(CPU);
        Assert.Equal(102.0, prune.item<double>());
        Assert.Equal(102, block.KeptPrune);
    }

    [Fact]
    public void Expected_macs_keep_the_running_minimum_of_the_tokens_entering()
    {
        // 197 tokens enter. Block 0 keeps 51 (candidate 50); block 1 would keep 101 (candidate
        // 100) but only 51 reach it. Costs: 1 MAC per token before and 1 after the reduction.
        var state = new TokenState(fixedMacs: 1000);
        var first = state.Learned(patches: 196, granularity: 2, cost: new TokenCost(1, 0, 1));
        var second = state.Learned(patches: 196, granularity: 2, cost: new TokenCost(1, 0, 1));
        // Candidates [196, 194, ..., 2]: 50 is index 73, 100 index 48.
        foreach (var name in new[] { "prune_logits", "merge_logits" })
        {
            SetLogits(first, name, i => i == 73 ? 0 : -1e4);
            SetLogits(second, name, i => i == 48 ? 0 : -1e4);
        }
        state.Start(zeros(1, 197, 4));
        Assert.Equal(1000 + (197 + 51) + (51 + 51), state.ExpectedMacs().item<double>(), 6);
    }

    [Fact]
    public void Each_position_is_kept_with_the_probability_of_the_candidates_that_reach_it()
    {
        // 8 patches, granularity 2: candidates [8, 6, 4, 2], uniform. Position 0 (class token)
        // and positions 1-2 are kept by all four, 3-4 by three, 5-6 by two, 7-8 by one.
        var block = new TokenState().Learned(patches: 8, granularity: 2, cost: new TokenCost(1, 0, 1));
        var logits = block.named_parameters().Single(p => p.name == "prune_logits").parameter;
        var p = block.KeepProbability(logits, 9, CPU).data<float>().ToArray();
        Assert.Equal(new[] { 1f, 1f, 1f, 0.75f, 0.75f, 0.5f, 0.5f, 0.25f, 0.25f }, p.Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void Proportional_attention_adds_log_size_to_every_keys_logit()
    {
        manual_seed(3);
        var state = new TokenState();
        var block = state.Block(prune: 4, merge: 4);
        using var attention = new Attention(8, 2, tokens: block);
        attention.eval();
        var x = randn(1, 4, 8);
        state.Start(x);
        state.Sizes = tensor(new float[] { 1, 3, 1, 2 }).reshape(1, 4, 1);
        state.Merged = true;
        using var noGrad = no_grad();
        var actual = attention.forward(x);

        // softmax(q·kᵀ/√d + log s)·v per head, then the projection, from the layer's weights.
        var w = attention.state_dict();
        var qkv = nn.functional.linear(x, w["qkv.weight"], w["qkv.bias"]).reshape(1, 4, 3, 2, 4).permute(2, 0, 3, 1, 4);
        var logits = qkv[0].matmul(qkv[1].transpose(-2, -1)) / Math.Sqrt(4) + tensor(new float[] { 0, MathF.Log(3), 0, MathF.Log(2) });
        var mixed = logits.softmax(-1).matmul(qkv[2]).transpose(1, 2).reshape(1, 4, 8);
        var expected = nn.functional.linear(mixed, w["proj.weight"], w["proj.bias"]);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        // The sizes matter here: without them the output differs.
        state.Merged = false;
        Assert.False(attention.forward(x).allclose(expected, rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void Merging_never_targets_the_class_token_even_when_it_is_the_most_similar()
    {
        // Class attention orders patches 1, 2, 3; merge keeps 2 (class + patch 1). Patches 2 and
        // 3 point the way the class token does, so the class token is their nearest neighbour,
        // yet they join patch 1, size-weighted, and the class row is unchanged.
        var state = new TokenState();
        var block = state.Block(prune: 4, merge: 2);
        block.eval();
        var x = tensor(new float[] { 1, 0, 0, 1, 2, 0, 4, 0 }).reshape(1, 4, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.5f, 0.3f, 0.2f }).reshape(1, 3);
        var y = block.forward(x);
        Assert.Equal(new long[] { 1, 2, 2 }, y.shape);
        Assert.Equal(new[] { 1f, 0f }, y[0, 0].data<float>().ToArray());
        // Patch 1 (0, 1) with patches 2 (2, 0) and 3 (4, 0), each of size 1: their mean.
        Assert.Equal(new[] { 2f, MathF.Round(1f / 3, 5) }, y[0, 1].data<float>().ToArray().Select(v => MathF.Round(v, 5)));
        Assert.Equal(new[] { 1f, 3f }, state.Sizes!.flatten().data<float>().ToArray());
    }
}

/// <summary>DiffRate's training path and its bookkeeping, where Stryker found mutants unchecked.</summary>
public class TokenTrainingPathTests
{
    [Fact]
    public void Training_masks_what_pruning_and_merging_remove_with_hard_values_and_the_keep_probabilities_gradients()
    {
        // 4 patches at granularity 1: candidates [4, 3, 2, 1]. Prune weights 0.2, 0.3, 0.5 on 4,
        // 3, 2 (expectation 2.7, so 3 patches stay); merge weights 0.731, 0.269 on 2, 1 (1.73, so 2
        // stay). The fractional probabilities give both gradients a value.
        var state = new TokenState();
        var block = state.Learned(patches: 4, granularity: 1, cost: new TokenCost(1, 0, 1));
        var prune = block.named_parameters().Single(p => p.name == "prune_logits").parameter;
        var merge = block.named_parameters().Single(p => p.name == "merge_logits").parameter;
        using (no_grad())
        {
            prune.copy_(tensor(new[] { MathF.Log(0.2f), MathF.Log(0.3f), MathF.Log(0.5f), -30 }));
            merge.copy_(tensor(new float[] { -30, -30, 0, -1 }));
        }
        block.train();
        var x = tensor(new float[] { 1, 0, 0, 1, 1, 1, 2, 0, 3, 3 }).reshape(1, 5, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f, 0.1f }).reshape(1, 4);
        block.forward(x);

        // The class token and 2 patches stay; merging removes position 3, pruning position 4.
        var mask = state.Mask!;
        Assert.Equal(new[] { 1f, 1f, 1f, 0f, 0f }, mask.flatten().data<float>().Select(v => MathF.Round(v, 4)).ToArray());
        Assert.True(state.Merged);
        // mask = (hard_p − p_p + p_p)·(hard_m − p_m + p_m): the gradient of Σ mask reaches each
        // logit through its keep probabilities, weighted by the other mask's hard values.
        mask.sum().backward();
        var hardPrune = tensor(new float[] { 1, 1, 1, 1, 0 });
        var hardMerge = tensor(new float[] { 1, 1, 1, 0, 1 });
        var pruneReference = autograd.grad(new[] { (hardMerge * block.KeepProbability(prune, 5, CPU)).sum() }, new[] { prune })[0];
        var mergeReference = autograd.grad(new[] { (hardPrune * block.KeepProbability(merge, 5, CPU)).sum() }, new[] { merge })[0];
        Assert.True(pruneReference.abs().sum().item<float>() > 0.05 && mergeReference.abs().sum().item<float>() > 0.05);
        Assert.True(prune.grad!.allclose(pruneReference, rtol: 1e-4, atol: 1e-6), $"{string.Join(", ", prune.grad!.data<float>().ToArray())} vs {string.Join(", ", pruneReference.data<float>().ToArray())}");
        Assert.True(merge.grad!.allclose(mergeReference, rtol: 1e-4, atol: 1e-6), $"{string.Join(", ", merge.grad!.data<float>().ToArray())} vs {string.Join(", ", mergeReference.data<float>().ToArray())}");
    }

    [Fact]
    public void Merged_stays_set_after_two_merging_blocks_and_is_not_set_by_pruning_alone()
    {
        var state = new TokenState();
        var first = state.Block(prune: 5, merge: 4);
        var second = state.Block(prune: 4, merge: 3);
        first.eval();
        second.eval();
        var x = randn(1, 5, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f, 0.1f }).reshape(1, 4);
        var y = first.forward(x);
        state.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f }).reshape(1, 3);
        second.forward(y);
        Assert.True(state.Merged);

        var pruning = new TokenState();
        var pruneOnly = pruning.Block(prune: 3, merge: 5);
        pruneOnly.eval();
        pruning.Start(x);
        pruning.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f, 0.1f }).reshape(1, 4);
        pruneOnly.forward(x);
        Assert.False(pruning.Merged);
    }
}

/// <summary>A stack that learns one reduction only (@tokens(reduce: prune | merge)): the other keeps every token.</summary>
public class TokenReduceTests
{
    [Fact]
    public void Learning_pruning_alone_merges_nothing_and_learning_merging_alone_prunes_nothing()
    {
        // 8 patches at granularity 2, uniform logits: candidates [8, 6, 4, 2] average 5, so 6 + 1 stay.
        var pruning = new TokenState().Learned(patches: 8, granularity: 2, cost: new TokenCost(1, 0, 1), reduce: "prune");
        Assert.True(pruning.Learns);
        Assert.Equal((6L, 9L), (pruning.KeptPrune, pruning.KeptMerge));
        var (prune, merge) = pruning.ExpectedKept(CPU);
        Assert.Equal((6.0, 9.0), (prune.item<double>(), merge.item<double>()));

        var merging = new TokenState().Learned(patches: 8, granularity: 2, cost: new TokenCost(1, 0, 1), reduce: "merge");
        Assert.True(merging.Learns);
        Assert.Equal((9L, 6L), (merging.KeptPrune, merging.KeptMerge));
        Assert.Equal(new[] { "merge_logits" }, merging.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void A_fixed_schedule_overrides_what_either_kind_of_block_learned()
    {
        foreach (var reduce in new[] { "prune", "merge", "both" })
        {
            var block = new TokenState().Learned(patches: 8, granularity: 2, cost: new TokenCost(1, 0, 1), reduce: reduce);
            block.Fix(7, 4);
            Assert.False(block.Learns, reduce);
            Assert.Equal((7L, 4L), (block.KeptPrune, block.KeptMerge));
        }
    }
}
