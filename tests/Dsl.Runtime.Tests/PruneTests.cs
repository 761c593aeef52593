using Dsl.Runtime.LowBit;
using Dsl.Runtime.Prune;
using Dsl.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>@prune at run time: which weights the mask removes, where the gradient goes, what a generated model reports.</summary>
public class PruneTests
{
    [Fact]
    public void The_smallest_magnitudes_are_zeroed_and_get_no_gradient()
    {
        // |w| = 0.3, 0.1, 0.5, 0.2, 0.05, 0.4: half (3) pruned, the 0.05, 0.1 and 0.2.
        var w = tensor(new[] { 0.3f, -0.1f, 0.5f, -0.2f, 0.05f, 0.4f }).reshape(2, 3).requires_grad_(true);
        var masked = new MagnitudeMask(0.5).forward(w);
        Assert.Equal(new[] { 0.3f, 0f, 0.5f, 0f, 0f, 0.4f }, masked.data<float>().ToArray());
        masked.sum().backward();
        Assert.Equal(new[] { 1f, 0f, 1f, 0f, 0f, 1f }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void The_count_rounds_halves_up_and_the_amount_stays_below_one()
    {
        Assert.Equal(2, new MagnitudeMask(0.3).Pruned(5));
        Assert.Equal(0, new MagnitudeMask(0).Pruned(5));
        Assert.Contains("below 1", Assert.Throws<ArgumentOutOfRangeException>(() => new MagnitudeMask(1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MagnitudeMask(-0.1));
    }

    [Fact]
    public void A_pruned_model_computes_with_half_its_weights_and_reports_its_nonzero_parameters()
    {
        // TinyNet by hand: conv 36 weights + 4 biases, batch norm 8, linear 1,960 weights + 10
        // biases = 2,018 parameters; half of each layer's weights pruned (18 and 980): 1,020 left.
        manual_seed(1);
        using var model = new TinyPrunedNet();
        var layers = model.modules().OfType<LowBitLayer>().ToList();
        Assert.Equal(2, layers.Count);
        Assert.Equal(new[] { 18L, 980L }, layers.Select(l => (l.QuantizedWeight() == 0).sum().item<long>()));
        var cost = ModelCost.Of(model);
        Assert.Equal(2_018, cost.Parameters);
        Assert.Equal(1_020.0, cost["NonzeroParameters"]);
        Assert.Equal(new long[] { 2, 10 }, model.forward(randn(2, 1, 28, 28)).shape);
    }

    [Fact]
    public void An_mlp_prunes_each_linear_apart_as_the_compiler_counts()
    {
        // fc1 and fc2 hold 15 weights each: round(7.5) = 8 of each, 16 in all; 38 parameters, 22 left.
        using var model = new TinyPrunedMlp();
        Assert.Equal(new[] { 8L, 8L }, model.modules().OfType<LowBitLayer>().Select(l => (l.QuantizedWeight() == 0).sum().item<long>()));
        Assert.Equal(22.0, ModelCost.Of(model)["NonzeroParameters"]);
    }

    [Fact]
    public void Pruning_then_quantization_quantizes_what_the_mask_keeps()
    {
        // TinySparseQuantNet: @quant(w: 4, a: 8) @prune(amount: 0.5) on its conv and linear.
        manual_seed(1);
        using var model = new TinySparseQuantNet();
        var layers = model.modules().OfType<LowBitLayer>().ToList();
        Assert.Equal(2, layers.Count);
        foreach (var layer in layers)
        {
            var children = layer.named_children().ToDictionary(c => c.name, c => c.module);
            var weight = Assert.IsType<Sequential>(children["weight_quant"]).children().ToList();
            Assert.IsType<MagnitudeMask>(weight[0]);
            var quantizer = Assert.IsType<LsqQuantizer>(weight[1]);
            Assert.IsType<LsqQuantizer>(children["input_quant"]);
            // The definition: the 4-bit quantizer applied to the magnitude-masked weight.
            var expected = ((nn.Module<Tensor, Tensor>)quantizer).forward(new MagnitudeMask(0.5).forward(layer.Weight));
            Assert.True((expected == layer.QuantizedWeight()).all().item<bool>());
            // At least the masked half is zero, and 4 bits per output channel leave at most 2^4 levels in each.
            var effective = layer.QuantizedWeight();
            Assert.True((effective == 0).sum().item<long>() >= new MagnitudeMask(0.5).Pruned(effective.numel()));
            for (var channel = 0; channel < effective.shape[0]; channel++) Assert.InRange(effective[channel].unique().Item1.numel(), 1, 16);
        }
        Assert.Equal(1_020.0, ModelCost.Of(model)["NonzeroParameters"]);
        Assert.Equal(new long[] { 2, 10 }, model.forward(randn(2, 1, 28, 28)).shape);
    }
}
