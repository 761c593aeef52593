using Dsl.Runtime.LowBit;
using Dsl.Runtime.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>The runtime survivors of the Stryker run, each checked where the mutant and the method part ways.</summary>
public class MethodEdgeTests
{
    [Fact]
    public void Sign_is_plus_one_at_zero_and_the_polynomial_surrogate_has_gradient_2_minus_2_abs_x()
    {
        Assert.Equal(new[] { 1f, 1f, -1f }, Ste.Binary(tensor(new[] { 0f, 1e-9f, -1e-9f })).data<float>().ToArray());
        var x = tensor(new[] { 0.25f, -0.5f, 1.5f, -2f }).requires_grad_(true);
        var y = new SignActivation(polynomial: true).forward(x);
        Assert.Equal(new[] { 1f, -1f, 1f, -1f }, y.data<float>().ToArray());
        y.sum().backward();
        Assert.Equal(new[] { 1.5f, 1f, 0f, 0f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Lsq_auto_sign_is_unsigned_when_the_first_batch_is_non_negative_including_zero()
    {
        var zeroMinimum = new LsqQuantizer(4, sign: "auto");
        zeroMinimum.forward(tensor(new[] { 0f, 0.5f, 1f }));
        Assert.True(zeroMinimum.Unsigned);
        var negative = new LsqQuantizer(4, sign: "auto");
        negative.forward(tensor(new[] { -0.1f, 0.5f, 1f }));
        Assert.False(negative.Unsigned);
    }

    [Fact]
    public void Lsq_plus_starts_with_the_batch_range_on_its_levels()
    {
        // 2-bit unsigned: Qn = 0, Qp = 3; batch [−1, 5]: s = 6/3 = 2, z = 0 − (−1)/2 = 0.5.
        // A second batch leaves them: they are initialised once.
        var quantizer = new LsqQuantizer(2, sign: "unsigned", zeroPoint: true);
        quantizer.forward(tensor(new[] { -1f, 0.5f, 5f }));
        quantizer.forward(tensor(new[] { -7f, 0.5f, 9f }));
        Assert.Equal(2f, quantizer.named_parameters().Single(p => p.name == "step").parameter.item<float>(), 6);
        Assert.Equal(0.5f, quantizer.named_parameters().Single(p => p.name == "zero_point").parameter.item<float>(), 6);
    }

    [Fact]
    public void A_bivit_activation_starts_with_alpha_twice_the_mean_abs_and_its_offset_a_tenth_of_min_plus_alpha()
    {
        // x = [1, 2, 3]: α = 2·2 = 4, z = 0.1·(1 + 4) = 0.5.
        var activation = new ScaledSignActivation();
        activation.forward(tensor(new[] { 1f, 2f, 3f }));
        activation.forward(tensor(new[] { 10f, 20f, 30f }));
        Assert.Equal(4f, activation.named_parameters().Single(p => p.name == "alpha").parameter.item<float>(), 6);
        Assert.Equal(0.5f, activation.named_parameters().Single(p => p.name == "offset").parameter.item<float>(), 6);
    }

    [Fact]
    public void The_rate_loss_is_lambda_times_the_squared_relative_gap_to_the_target()
    {
        // Expected MACs 1350 (fixed 1000; two blocks keeping 51 of 197 tokens at 1 MAC per token
        // before and after), target 700: 5·((1350 − 700)/700)²; with unit 1000: 5·(650/1000)².
        static TokenState State()
        {
            var state = new TokenState(fixedMacs: 1000, targetMacs: 700);
            foreach (var _ in new[] { 0, 1 })
            {
                var block = state.Learned(patches: 196, granularity: 2, cost: new TokenCost(1, 0, 1));
                foreach (var name in new[] { "prune_logits", "merge_logits" })
                {
                    var logits = block.named_parameters().Single(p => p.name == name).parameter;
                    using var noGrad = no_grad();
                    logits.copy_(tensor(Enumerable.Range(0, (int)logits.shape[0]).Select(i => i == 73 ? 0f : -1e4f).ToArray()));
                }
            }
            state.Start(zeros(1, 197, 4));
            return state;
        }
        var step = new StepContext(null!, null!, epoch: 0, step: 0, zeros(1), zeros(1));
        Assert.Equal(5 * Math.Pow(650.0 / 700, 2), new TokenRateLoss(State()).AdditionalLoss(step)!.item<float>(), 4);
        Assert.Equal(5 * Math.Pow(650.0 / 1000, 2), new TokenRateLoss(State(), unit: 1000).AdditionalLoss(step)!.item<float>(), 4);
        Assert.Throws<ArgumentException>(() => new TokenRateLoss(new TokenState(targetMacs: 0)));
    }

    [Fact]
    public void Impossible_settings_are_refused_at_their_boundary()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReBnnWeight(zeros(2, 3), 0, factor: 0, adaptive: true, gamma: 0));
        Assert.NotNull(new ReBnnWeight(zeros(2, 3), 0, factor: 1e-3, adaptive: true, gamma: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenState().Learned(patches: 8, granularity: 0, cost: new TokenCost(1, 0, 1)));
        Assert.NotNull(new TokenState().Learned(patches: 8, granularity: 1, cost: new TokenCost(1, 0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenState().Block(prune: 0, merge: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenState().Block(prune: 5, merge: 0));
        Assert.NotNull(new TokenState().Block(prune: 1, merge: 1));
    }

    [Fact]
    public void The_plain_sign_activation_passes_the_gradient_inside_minus_one_to_one_and_stops_it_outside()
    {
        var x = tensor(new[] { 0.25f, -0.5f, 1.5f, -2f }).requires_grad_(true);
        new SignActivation(polynomial: false).forward(x).sum().backward();
        Assert.Equal(new[] { 1f, 1f, 0f, 0f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Lsq_steps_start_at_twice_the_mean_abs_over_root_qp_once()
    {
        // 4-bit signed: Qp = 7; batch mean |x| = 1.4: s = 2·1.4/√7; a second batch leaves it.
        var quantizer = new LsqQuantizer(4, sign: "signed");
        quantizer.forward(tensor(new[] { -1f, 0.8f, 2.4f }));
        quantizer.forward(tensor(new[] { -10f, 8f, 24f }));
        Assert.Equal((float)(2 * 1.4 / Math.Sqrt(7)), quantizer.named_parameters().Single(p => p.name == "step").parameter.item<float>(), 5);
        Assert.Contains("not 'maybe'", Assert.Throws<ArgumentException>(() => new LsqQuantizer(4, sign: "maybe")).Message);
    }

    [Fact]
    public void Mean_scaled_binary_weights_pass_the_gradient_times_the_scale_inside_minus_one_to_one()
    {
        // Rows scale by mean |w|: 1.25 and 0.25; the clipped straight-through gradient is the
        // scale where |w| < 1 and 0 beyond.
        var w = tensor(new[] { 0.5f, -2f, 0.25f, -0.25f }).reshape(2, 2).requires_grad_(true);
        var y = new MeanScaledSignWeight(channelAxis: 0).forward(w);
        Assert.Equal(new[] { 1.25f, -1.25f, 0.25f, -0.25f }, y.data<float>().ToArray());
        y.sum().backward();
        Assert.Equal(new[] { 1.25f, 0f, 0.25f, 0.25f }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void A_rebnn_scale_factor_divides_alpha_so_that_the_first_scale_is_mean_abs_w()
    {
        // factor 2: α = mean|w| / 2 = 0.5, s = 2·|α| = 1 for w = [0.5, −1.5].
        var w = tensor(new[] { 0.5f, -1.5f }).reshape(1, 2);
        var weight = new ReBnnWeight(w, 0, factor: 2, adaptive: true, gamma: 0);
        var y = weight.forward(w);
        Assert.Equal(0.5f, weight.named_parameters().Single(p => p.name == "alpha").parameter.item<float>(), 6);
        Assert.Equal(new[] { 1f, -1f }, y.data<float>().ToArray());
        Assert.Contains("must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new ReBnnWeight(w, 0, factor: -1, adaptive: true, gamma: 0)).Message);
    }

    [Fact]
    public void A_pair_the_teacher_ties_costs_nothing_whatever_the_student_says()
    {
        // Every pair of [0, 0]: the teacher's gap is 0, so no order to disagree with.
        var student = tensor(new[] { 0f, 3f }).reshape(1, 1, 1, 2);
        var teacher = zeros(1, 1, 1, 2);
        Assert.Equal(0f, RankingLoss.Compute(student, teacher, pairs: 0).item<float>());
        var message = Assert.Throws<ArgumentException>(() => RankingLoss.Compute(student, zeros(1, 1, 1, 3), pairs: 0)).Message;
        Assert.Contains("[1, 1, 1, 2]", message);
        Assert.Contains("[1, 1, 1, 3]", message);
    }

    [Fact]
    public void Layers_that_cannot_be_low_bit_are_refused_with_the_reason()
    {
        Func<Tensor, nn.Module<Tensor, Tensor>?> none = _ => null;
        Assert.Contains("not ReLU", Assert.Throws<ArgumentException>(() => LowBitLayer.Of(nn.ReLU(), none, null)).Message);
        Assert.Contains("padding_mode Reflect", Assert.Throws<NotSupportedException>(() => LowBitLayer.Of(nn.Conv2d(2, 2, 3, padding: 1, padding_mode: TorchSharp.PaddingModes.Reflect), none, null)).Message);
        Assert.Contains("numeric padding", Assert.Throws<NotSupportedException>(() => LowBitLayer.Of(nn.Conv2d(2, 2, 3, padding: TorchSharp.Padding.Same), none, null)).Message);
        Assert.NotNull(LowBitLayer.Of(nn.Conv1d(2, 2, 3), none, null));
    }
}
