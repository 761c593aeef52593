using System.Reflection;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>DiffRate's token reduction at run time (fixed rates).</summary>
public class TokenTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static TokenState StateOf(nn.Module model) =>
        (TokenState)model.GetType().GetField("tokens", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;

    [Fact]
    public void Inference_removes_exactly_the_requested_tokens()
    {
        using var model = new TinyViTTokens();
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.forward(rand(4, 1, 28, 28));
        var sizes = StateOf(model).Sizes!;
        // Block 1 keeps 12 of 17 tokens after pruning, then merges them into 9.
        Assert.Equal(new long[] { 4, 9, 1 }, sizes.shape);
        Assert.Equal(new[] { 12f, 12f, 12f, 12f }, sizes.sum(1).squeeze(1).data<float>().ToArray());
        Assert.Equal(new long[] { 4, 10 }, logits.shape);
    }

    [Fact]
    public void A_schedule_that_removes_nothing_gives_the_uncompressed_logits()
    {
        using var model = new TinyViTAllTokens();
        Assert.True(PyTorchWeights.Load(model, Fixture("tiny_vit.pt")).IsExact);
        var io = PyTorchWeights.Read(Fixture("tiny_vit_io.pt"));
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.forward(io["input"]);
        Assert.True(logits.allclose(io["output"], rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void The_published_DeiT_S_rates_take_the_full_models_weights_and_end_with_three_tokens()
    {
        manual_seed(0);
        using var full = new DeiTSmall();
        using var compressed = new DeiTSmallDiffRate();
        var weights = full.state_dict().ToDictionary(p => p.Key, p => p.Value);
        Assert.True(StateDicts.Apply(compressed, weights, strict: true, "DeiTSmall").IsExact);
        compressed.eval();
        using var noGrad = no_grad();
        using var logits = compressed.forward(rand(1, 3, 224, 224));
        Assert.Equal(new long[] { 1, 1000 }, logits.shape);
        Assert.Equal(new long[] { 1, 3, 1 }, StateOf(compressed).Sizes!.shape);
    }

    [Fact]
    public void Pruning_keeps_the_class_token_and_the_most_attended_patches_in_order()
    {
        var x = arange(5).to_type(ScalarType.Float32).reshape(1, 5, 1).expand(1, 5, 2).contiguous();
        var state = new TokenState();
        state.Start(x);
        state.ClassAttention = tensor(new[] { 0.1f, 0.4f, 0.2f, 0.3f }).unsqueeze(0);
        var reduced = state.Block(prune: 3, merge: 3).forward(x);
        Assert.Equal(new[] { 0f, 2f, 4f }, reduced[0, .., 0].data<float>().ToArray());
    }

    [Fact]
    public void Merging_averages_by_size_and_never_touches_the_class_token()
    {
        // Class token, then two patches; merging to 2 sends the less attended patch into the other.
        var x = tensor(new[] { 9f, 9f, 1f, 0f, 3f, 0f }).reshape(1, 3, 2);
        var state = new TokenState();
        state.Start(x);
        state.Sizes = tensor(new[] { 1f, 1f, 3f }).reshape(1, 3, 1);
        state.ClassAttention = tensor(new[] { 0.6f, 0.4f }).unsqueeze(0);
        var merged = state.Block(prune: 3, merge: 2).forward(x);
        Assert.Equal(new[] { 9f, 9f }, merged[0, 0].data<float>().ToArray());
        Assert.Equal(new[] { (1f * 1 + 3f * 3) / 4, 0f }, merged[0, 1].data<float>().ToArray());
        Assert.Equal(new[] { 1f, 4f }, state.Sizes!.flatten().data<float>().ToArray());
    }

    [Fact]
    public void A_block_that_keeps_every_token_leaves_them_as_they_are()
    {
        var x = randn(2, 6, 4);
        var state = new TokenState();
        state.Start(x);
        state.ClassAttention = rand(2, 5);
        var reduced = state.Block(prune: 6, merge: 6).forward(x);
        Assert.True(reduced.allclose(x, 0, 0));
        Assert.True(state.Sizes!.allclose(ones(2, 6, 1), 0, 0));
    }

    [Fact]
    public void Merging_down_to_the_class_token_drops_the_other_tokens_and_leaves_the_class_token_alone()
    {
        var state = new TokenState();
        var block = state.Block(prune: 5, merge: 1);
        var x = rand(2, 5, 4);
        state.Start(x);
        state.ClassAttention = rand(2, 4);
        block.eval();
        using var noGrad = no_grad();
        var reduced = block.forward(x);
        Assert.Equal(new long[] { 2, 1, 4 }, reduced.shape);
        Assert.True(reduced.equal(x.narrow(1, 0, 1)).all().item<bool>());
    }
}
