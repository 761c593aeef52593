using System.IO;
using Dsl.Runtime.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>DiffRate's runtime where the second Stryker run found mutants unchecked: masks, merging, schedules and checks.</summary>
public class TokenEdgeTests
{
    private static Parameter Logits(TokenBlock block, string name) => block.named_parameters().Single(p => p.name == name).parameter;

    private static void SetLogits(TokenBlock block, string name, params float[] values)
    {
        using var noGrad = no_grad();
        Logits(block, name).copy_(tensor(values));
    }

    [Fact]
    public void A_learning_block_whose_choice_keeps_every_token_still_gives_its_logits_a_gradient()
    {
        // Candidates [4, 3, 2, 1]; weights 0.8 on 4 and 0.2 on 3 expect 3.8, so ⌈3.8⌉ + 1 = 5
        // tokens stay (all of them): the hard masks are ones, yet p_4 = 0.8 < 1 carries a gradient.
        var state = new TokenState();
        var block = state.Learned(patches: 4, granularity: 1, cost: new TokenCost(1, 0, 1));
        foreach (var name in new[] { "prune_logits", "merge_logits" }) SetLogits(block, name, MathF.Log(0.8f), MathF.Log(0.2f), -30, -30);
        block.train();
        var x = randn(1, 5, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f, 0.1f }).reshape(1, 4);
        block.forward(x);
        Assert.Equal(new[] { 1f, 1f, 1f, 1f, 1f }, state.Mask!.flatten().data<float>().Select(v => MathF.Round(v, 4)).ToArray());
        state.Mask!.sum().backward();
        Assert.True(Logits(block, "prune_logits").grad!.abs().sum().item<float>() > 0.01f);
        Assert.True(Logits(block, "merge_logits").grad!.abs().sum().item<float>() > 0.01f);
    }

    [Fact]
    public void A_block_fixed_over_learned_counts_masks_with_hard_values_and_its_logits_get_no_gradient()
    {
        var state = new TokenState();
        var learning = state.Learned(patches: 4, granularity: 1, cost: new TokenCost(1, 0, 1));
        var fixedBlock = state.Learned(patches: 4, granularity: 1, cost: new TokenCost(1, 0, 1));
        // Weights 0.8 on 4 and 0.2 on 1 (3.4: every token stays); position 2 is kept with p = 0.8.
        foreach (var name in new[] { "prune_logits", "merge_logits" }) SetLogits(learning, name, MathF.Log(0.8f), -30, -30, MathF.Log(0.2f));
        fixedBlock.Fix(prune: 4, merge: 3);
        learning.train();
        fixedBlock.train();
        var x = randn(1, 5, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f, 0.1f }).reshape(1, 4);
        var y = learning.forward(x);
        fixedBlock.forward(y);
        Assert.Equal(new[] { 1f, 1f, 1f, 0f, 0f }, state.Mask!.flatten().data<float>().Select(v => MathF.Round(v, 4)).ToArray());
        state.Mask!.sum().backward();
        Assert.True(Logits(learning, "prune_logits").grad!.abs().sum().item<float>() > 0.01f);
        foreach (var name in new[] { "prune_logits", "merge_logits" })
        {
            var grad = Logits(fixedBlock, name).grad;
            Assert.True(grad is null || grad.abs().sum().item<float>() == 0, $"{name} of the fixed block got a gradient");
        }
    }

    [Fact]
    public void Merging_down_to_the_class_token_in_training_masks_the_rest_and_drops_nothing()
    {
        var state = new TokenState();
        var learning = state.Learned(patches: 4, granularity: 1, cost: new TokenCost(1, 0, 1));
        SetLogits(learning, "prune_logits", 0, -30, -30, -30);
        SetLogits(learning, "merge_logits", 0, -30, -30, -30);
        var fixedBlock = state.Block(prune: 3, merge: 1);
        learning.train();
        fixedBlock.train();
        var x = randn(1, 5, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.4f, 0.3f, 0.2f, 0.1f }).reshape(1, 4);
        var y = fixedBlock.forward(learning.forward(x));
        Assert.Equal(new long[] { 1, 5, 2 }, y.shape);
        Assert.Equal(new[] { 1f, 0f, 0f, 0f, 0f }, state.Mask!.flatten().data<float>().Select(v => MathF.Round(v, 4)).ToArray());
    }

    [Fact]
    public void Merging_joins_the_destination_of_highest_cosine_similarity_not_of_largest_dot_product()
    {
        // Class attention keeps the order. Destinations: patch 1 (1, 0) and patch 2 (10, 10);
        // the source (1, 0.2) is at cosine 0.98 from patch 1 and 0.83 from patch 2 (whose dot
        // product, 12, is the larger). It joins patch 1: ((1, 0) + (1, 0.2)) / 2.
        var state = new TokenState();
        var block = state.Block(prune: 4, merge: 3);
        block.eval();
        var x = tensor(new float[] { 0, 1, 1, 0, 10, 10, 1, 0.2f }).reshape(1, 4, 2);
        state.Start(x);
        state.ClassAttention = tensor(new float[] { 0.5f, 0.3f, 0.2f }).reshape(1, 3);
        var y = block.forward(x);
        Assert.Equal(new[] { 0f, 1f, 1f, 0.1f, 10f, 10f }, y.flatten().data<float>().Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(new[] { 1f, 2f, 1f }, state.Sizes!.flatten().data<float>().ToArray());
    }

    [Fact]
    public void A_destination_that_already_holds_two_tokens_weighs_twice_in_the_merge()
    {
        // Patch 1 (3, 0) already represents 2 tokens; the source (0, 3) of size 1 joins it:
        // (2·(3, 0) + (0, 3)) / 3 = (2, 1), size 3.
        var state = new TokenState();
        var block = state.Block(prune: 3, merge: 2);
        block.eval();
        var x = tensor(new float[] { 0, -1, 3, 0, 0, 3 }).reshape(1, 3, 2);
        state.Start(x);
        state.Sizes = tensor(new float[] { 1, 2, 1 }).reshape(1, 3, 1);
        state.ClassAttention = tensor(new float[] { 0.6f, 0.4f }).reshape(1, 2);
        var y = block.forward(x);
        Assert.Equal(new[] { 0f, -1f, 2f, 1f }, y.flatten().data<float>().Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(new[] { 1f, 3f }, state.Sizes!.flatten().data<float>().ToArray());
    }

    [Fact]
    public void Expected_macs_of_a_stack_of_fixed_blocks_need_no_parameters()
    {
        // 9 tokens; blocks keep 5 then 3: (9 + 5) + (5 + 3) at 1 MAC a token, plus 100 fixed.
        var state = new TokenState(fixedMacs: 100);
        state.Block(prune: 5, merge: 5, cost: new TokenCost(1, 0, 1));
        state.Block(prune: 4, merge: 3, cost: new TokenCost(1, 0, 1));
        state.Start(zeros(1, 9, 2));
        Assert.Equal(100 + 14 + 8, state.ExpectedMacs().item<double>(), 6);
    }

    [Fact]
    public void A_schedule_is_capped_by_the_tokens_entering_once_the_stack_has_started()
    {
        var state = new TokenState();
        state.Block(prune: 10, merge: 8);
        state.Block(prune: 6, merge: 6);
        Assert.Equal("@tokens(prune: [10, 6], merge: [8, 6])", state.Schedule());
        state.Start(zeros(1, 7, 2));
        Assert.Equal("@tokens(prune: [7, 6], merge: [7, 6])", state.Schedule());
    }

    [Fact]
    public void Wrong_settings_are_refused_with_what_to_change()
    {
        var state = new TokenState();
        state.Block(prune: 5, merge: 5);
        state.Block(prune: 5, merge: 5);
        Assert.Contains("one count per block (2)", Assert.Throws<ArgumentException>(() => state.Fix(new long[] { 5 }, new long[] { 5, 5 })).Message);
        Assert.Contains("one count per block (2)", Assert.Throws<ArgumentException>(() => state.Fix(new long[] { 5, 5 }, new long[] { 5 })).Message);
        var block = state.Block(prune: 5, merge: 5);
        Assert.Contains("class token", Assert.Throws<ArgumentOutOfRangeException>(() => block.Fix(0, 5)).Message);
        Assert.Contains("class token", Assert.Throws<ArgumentOutOfRangeException>(() => block.Fix(5, 0)).Message);
        block.Fix(1, 1);
        Assert.Equal(1, block.KeptPrune);
        Assert.Contains("class token", Assert.Throws<ArgumentOutOfRangeException>(() => state.Block(prune: 0, merge: 5)).Message);
        Assert.Contains("granularity is at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => state.Learned(8, 0, new TokenCost(1, 0, 1))).Message);
        Assert.Contains("not 'all'", Assert.Throws<ArgumentException>(() => state.Learned(8, 1, new TokenCost(1, 0, 1), reduce: "all")).Message);
        Assert.Contains("every block's TokenCost", Assert.Throws<InvalidOperationException>(() => state.ExpectedMacs()).Message);
        var learned = new TokenState(targetMacs: 10);
        Assert.Contains("negative", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenRateLoss(learned, warmupEpochs: -1)).Message);
        Assert.NotNull(new TokenRateLoss(learned, warmupEpochs: 0));
        Assert.Contains("target:", Assert.Throws<ArgumentException>(() => new TokenRateLoss(new TokenState())).Message);
    }

    [Fact]
    public void The_rate_loss_logs_each_epochs_expected_gmacs_target_and_schedule()
    {
        // One block keeping 3 of 5 tokens at 1e9 MACs a token before and after: 5e9 + 3e9.
        var state = new TokenState(fixedMacs: 0, targetMacs: 4e9);
        state.Block(prune: 3, merge: 3, cost: new TokenCost(1e9, 0, 1e9));
        state.Start(zeros(1, 5, 2));
        var log = new StringWriter();
        var loss = new TokenRateLoss(state, log: log);
        loss.OnEpochEnd(new EpochResult(Epoch: 1, TrainLoss: 0, TestLoss: 0, Top1: 0, Top5: null, Seconds: 0, ImagesPerSecond: 0, LearningRate: 0));
        Assert.Equal("epoch 2: expected 8 GMACs (target 4); @tokens(prune: [3], merge: [3])", log.ToString().Trim());
        Assert.Equal(new[] { 8.0 }, loss.ExpectedGMacs);
    }

    [Fact]
    public void A_reduction_before_its_attention_or_outside_a_started_stack_says_which()
    {
        var state = new TokenState();
        var block = state.Block(prune: 3, merge: 3);
        var x = zeros(1, 5, 2);
        Assert.Contains("after its block's attention", Assert.Throws<InvalidOperationException>(() => block.forward(x)).Message);
        state.ClassAttention = ones(1, 4);
        Assert.Contains("TokenState.Start", Assert.Throws<InvalidOperationException>(() => block.forward(x)).Message);
    }
}
