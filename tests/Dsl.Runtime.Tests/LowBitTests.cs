using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>LSQ, the binarizers and ReBNN's backward: the checks of the method pages.</summary>
public class LowBitTests
{
    [Fact]
    public void A_b_bit_weight_takes_at_most_2_to_the_b_levels_per_channel_all_multiples_of_its_step()
    {
        manual_seed(1);
        var weight = randn(6, 5, 3, 3);
        var quantizer = new LsqQuantizer(3, channels: 6, channelAxis: 0);
        using var noGrad = no_grad();
        var q = quantizer.forward(weight);
        var step = quantizer.Step(weight);
        for (var c = 0; c < 6; c++)
        {
            var levels = q[c].flatten().data<float>().Distinct().Count();
            Assert.InRange(levels, 2, 8);
            var inSteps = q[c] / step[c];
            Assert.True(inSteps.allclose(inSteps.round(), rtol: 0, atol: 1e-4));
            Assert.True(inSteps.min().item<float>() >= -4 - 1e-4 && inSteps.max().item<float>() <= 3 + 1e-4);
        }
        // Initialised from the first batch: 2·mean|w| / √Qp per channel.
        var expected = 2 * weight.abs().mean(new long[] { 1, 2, 3 }) / Math.Sqrt(3);
        Assert.True(step.flatten().allclose(expected, rtol: 1e-5, atol: 0));
    }

    [Fact]
    public void The_step_gets_lsq_s_gradient_scaled_by_one_over_root_n_qp()
    {
        var quantizer = new LsqQuantizer(2, sign: "unsigned");
        var x = tensor(new[] { 0.2f, 0.9f, 1.7f, 5.0f });
        quantizer.forward(x); // initialises the step
        var s = quantizer.Step(x).item<float>();
        var y = quantizer.forward(x);
        y.sum().backward();
        var step = quantizer.parameters().Single();
        // LSQ: ∂y/∂s = round(x/s) − x/s inside [Qn, Qp], Qp above it; scaled by 1/√(4·3).
        var expected = x.data<float>().ToArray().Sum(v => v / s >= 3 ? 3 : Math.Round(v / s, MidpointRounding.ToEven) - v / s) / Math.Sqrt(4 * 3);
        Assert.Equal(expected, step.grad!.item<float>(), 4);
    }

    [Fact]
    public void Unsigned_activations_are_chosen_for_a_non_negative_first_batch_and_lsq_plus_maps_the_minimum_to_qn()
    {
        var auto = new LsqQuantizer(4, sign: "auto");
        auto.forward(rand(10) + 0.5);
        Assert.True(auto.Unsigned);
        var plus = new LsqQuantizer(4, sign: "signed", zeroPoint: true);
        var x = tensor(new[] { -1f, 0f, 2f });
        var y = plus.forward(x);
        Assert.True(y.allclose(x, rtol: 0, atol: 1e-5)); // the range spans 15 steps of 0.2: every value is a level
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(1)]
    public void Bit_widths_outside_2_to_8_are_refused(long bits)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LsqQuantizer(bits));
        Assert.Contains("2 to 8 bits", e.Message);
    }

    [Fact]
    public void Binary_weights_have_the_row_mean_magnitude()
    {
        manual_seed(2);
        var w = randn(4, 6);
        var b = new MeanScaledSignWeight(0).forward(w);
        var rowMean = w.abs().mean(new long[] { 1 }, keepdim: true);
        Assert.True(b.abs().allclose(rowMean.expand(4, 6), rtol: 1e-6, atol: 0));
        Assert.True(b.sign().eq(w.sign()).all().item<bool>());
    }

    [Fact]
    public void Scaled_binary_activations_take_at_most_three_values_per_head_and_learn_from_inputs_in_0_1()
    {
        manual_seed(3);
        var probabilities = rand(2, 3, 5, 5).softmax(-1);
        var scaled = new ScaledSignActivation(3, channelAxis: 1);
        var y = scaled.forward(probabilities);
        for (var h = 0; h < 3; h++) Assert.InRange(y.select(1, h).flatten().data<float>().Distinct().Count(), 1, 3);
        (y * probabilities).sum().backward();
        var alpha = scaled.named_parameters().Single(p => p.name == "alpha").parameter;
        Assert.True(alpha.grad!.abs().min().item<float>() > 0);
        // Plain sign maps every probability to +1: no information, whatever the input.
        var plain = new SignActivation(polynomial: false).forward(probabilities);
        Assert.Equal(new[] { 1f }, plain.flatten().data<float>().Distinct().ToArray());
    }

    private static (Tensor W, ReBnnWeight Binarizer) ReBnn(bool adaptive, double gamma = 0.3)
    {
        manual_seed(4);
        var w = (randn(3, 4) * 0.5).requires_grad_(true);
        return (w, new ReBnnWeight(w.detach(), 0, factor: 1, adaptive, gamma));
    }

    [Fact]
    public void Rebnn_weights_have_the_channel_scale()
    {
        var (w, binarizer) = ReBnn(adaptive: false);
        var b = binarizer.forward(w);
        var alpha = binarizer.parameters().Single().abs().unsqueeze(1);
        Assert.True(b.abs().allclose(alpha.expand(3, 4), rtol: 1e-6, atol: 0));
    }

    [Fact]
    public void Rebnn_gradients_equal_autograd_of_the_task_loss_through_the_ste_plus_the_reconstruction_term()
    {
        var (w, binarizer) = ReBnn(adaptive: false, gamma: 0.3);
        var alpha = binarizer.parameters().Single();
        var target = randn(3, 4);
        binarizer.forward(w).mul(target).sum().backward();
        var (customW, customAlpha) = (w.grad!.clone(), alpha.grad!.clone());

        // The stated objective with plain autograd: ŵ = α·(w through the straight-through sign),
        // plus (γ/2)·‖w − α·sign(w)‖² with sign(w) constant.
        var w2 = w.detach().clone().requires_grad_(true);
        var a2 = alpha.detach().clone().requires_grad_(true);
        var b = w2.detach().sign();
        var ste = w2 + (b - w2).detach();
        var objective = (a2.abs().unsqueeze(1) * ste * target).sum() + 0.3 / 2 * (w2 - a2.abs().unsqueeze(1) * b).pow(2).sum();
        objective.backward();
        Assert.True(customW.allclose(w2.grad!, rtol: 1e-5, atol: 1e-6));
        Assert.True(customAlpha.allclose(a2.grad!, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Adaptive_gamma_is_zero_without_sign_flips_so_the_gradient_is_the_plain_ste()
    {
        var (w, binarizer) = ReBnn(adaptive: true);
        binarizer.train();
        var target = randn(3, 4);
        binarizer.forward(w).mul(target).sum().backward();
        Assert.Equal(0, binarizer.LastFlips!.abs().sum().item<float>());
        var alpha = binarizer.parameters().Single().detach().abs().unsqueeze(1);
        Assert.True(w.grad!.allclose(target * alpha, rtol: 1e-6, atol: 0));
    }

    [Fact]
    public void Rebnn_scale_and_flip_reference_come_from_the_weights_of_the_first_forward_and_survive_a_reload()
    {
        // Built from one tensor, then given others (a checkpoint loaded after construction).
        var (w, binarizer) = ReBnn(adaptive: true);
        binarizer.train();
        var loaded = -3 * w.detach();
        binarizer.forward(loaded);
        Assert.Equal(0, binarizer.LastFlips!.abs().sum().item<float>());
        var alpha = binarizer.parameters().Single();
        Assert.True(alpha.detach().allclose(loaded.abs().mean(new long[] { 1 }), rtol: 1e-6, atol: 0));

        using (no_grad()) alpha.mul_(5);
        var reloaded = new ReBnnWeight(w.detach(), 0, factor: 1, adaptive: true, gamma: 0);
        reloaded.load_state_dict(binarizer.state_dict());
        reloaded.forward(loaded);
        Assert.True(reloaded.parameters().Single().detach().allclose(alpha.detach()));
    }

    [Fact]
    public void With_no_task_gradient_an_update_moves_w_toward_its_binary_reconstruction()
    {
        var (w, binarizer) = ReBnn(adaptive: false, gamma: 1);
        var alpha = binarizer.parameters().Single().detach().abs().unsqueeze(1);
        binarizer.forward(w).mul(0).sum().backward();
        var reconstruction = alpha * w.detach().sign();
        var before = (w.detach() - reconstruction).abs().sum().item<float>();
        var after = (w.detach() - 0.1 * w.grad! - reconstruction).abs().sum().item<float>();
        Assert.True(after < before, $"{after} should be below {before}");
    }

    [Fact]
    public void Ranking_loss_is_zero_when_student_and_teacher_order_every_pair_alike()
    {
        manual_seed(5);
        var teacher = randn(2, 2, 4, 4);
        Assert.Equal(0, RankingLoss.Compute(teacher * 3 + 1, teacher, pairs: 0).item<float>());
        var reversed = RankingLoss.Compute(-teacher, teacher, pairs: 0);
        Assert.True(reversed.item<float>() > 0.1);
        var student = (-teacher).requires_grad_(true);
        RankingLoss.Compute(student, teacher, pairs: 16, new Generator(0)).backward();
        Assert.True(student.grad!.abs().sum().item<float>() > 0);
    }

    public static TheoryData<string> Layers => new() { "linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d" };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_low_bit_layer_without_quantizers_computes_what_the_layer_computes(string kind)
    {
        manual_seed(9);
        // Strides, paddings, dilations, groups and output padding that differ, so a swapped argument shows.
        var (layer, input) = kind switch
        {
            "linear" => (Dsl.Runtime.Layers.Linear(6, 4), randn(2, 3, 6)),
            "conv1d" => (Dsl.Runtime.Layers.Conv1d(4, 6, 3, stride: 2, padding: 1, dilation: 2, groups: 2), randn(2, 4, 11)),
            "conv2d" => (Dsl.Runtime.Layers.Conv2d(4, 6, new long[] { 3, 2 }, stride: new long[] { 2, 1 }, padding: new long[] { 1, 0 }, dilation: new long[] { 1, 2 }, groups: 2), randn(2, 4, 9, 8)),
            "conv3d" => (Dsl.Runtime.Layers.Conv3d(2, 4, 3, stride: new long[] { 1, 2, 1 }, padding: 1), randn(new long[] { 2, 2, 5, 6, 5 })),
            _ => (Dsl.Runtime.Layers.ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: new long[] { 1, 2 }), randn(2, 4, 5, 5)),
        };
        var lowBit = LowBitLayer.Of(layer, _ => null, null);
        using var noGrad = no_grad();
        Assert.True(lowBit.forward(input).allclose(layer.forward(input), rtol: 1e-5, atol: 1e-6));
    }
}
