using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// ReBNN and Bi-ViT against their definitions, with inputs where each term matters: the scale
/// away from mean|w| (so the reconstruction term is not zero), known sign flips (so γ is not
/// zero), a head's α gradient with its 1/√(elements per α) factor, and a ranking loss with one
/// discordant pair.
/// </summary>
public class BinaryFormulaTests
{
    [Fact]
    public void ReBnn_gradients_follow_the_definition_with_flips_and_a_scale_away_from_mean_abs_w()
    {
        // Channel axis 0, factor 1, adaptive γ. The first forward sets α = mean|w| = [1, 2] and the signs.
        var w0 = new float[] { 1, -1, 1, 2, 2, -2 };
        using var binary = new ReBnnWeight(zeros(2, 3), channelAxis: 0, factor: 1, adaptive: true, gamma: 0);
        binary.train();
        binary.forward(tensor(w0).reshape(2, 3));
        // New weights: channel 0 flips one sign of three, channel 1 two; α stays [1, 2] while mean|w|
        // is now [1.2, 2.2], so Σ(|w| − s) ≠ 0 and the reconstruction term of ∂α counts.
        var w1 = new float[] { -0.5f, -1.5f, 1.6f, -1, 3, 2.6f };
        var w = tensor(w1).reshape(2, 3).requires_grad_(true);
        var upstream = new float[] { 0.2f, -0.4f, 0.1f, 0.5f, -0.3f, 0.25f };
        var y = binary.forward(w);
        (y * tensor(upstream).reshape(2, 3)).sum().backward();
        Assert.Equal(new[] { 1f / 3, 2f / 3 }, binary.LastFlips!.data<float>().ToArray().Select(v => MathF.Round(v, 6)).ToArray(), new ToleranceComparer());

        // γ_c = flips_c · max|g_c|; ∂w = g·s + γ(w − s·b); ∂s = Σ g·b − γ(w − s·b)·b; ∂α = ∂s·sign(α).
        float[] alpha = { 1, 2 }, flips = { 1f / 3, 2f / 3 };
        var gradW = new float[6];
        var gradAlpha = new float[2];
        for (var c = 0; c < 2; c++)
        {
            var gamma = flips[c] * Enumerable.Range(0, 3).Max(i => MathF.Abs(upstream[3 * c + i]));
            for (var i = 0; i < 3; i++)
            {
                var k = 3 * c + i;
                var b = w1[k] >= 0 ? 1f : -1f;
                var residual = w1[k] - alpha[c] * b;
                gradW[k] = upstream[k] * alpha[c] + gamma * residual;
                gradAlpha[c] += upstream[k] * b - gamma * residual * b;
            }
        }
        Assert.Equal(gradW, w.grad!.data<float>().ToArray(), new ToleranceComparer());
        var alphaGrad = binary.named_parameters().Single(p => p.name == "alpha").parameter.grad!.data<float>().ToArray();
        Assert.Equal(gradAlpha, alphaGrad, new ToleranceComparer());

        // The flip reference moved to the latest signs: the same weights flip nothing now.
        binary.forward(tensor(w1).reshape(2, 3));
        Assert.Equal(new[] { 0f, 0f }, binary.LastFlips!.data<float>().ToArray());
    }

    [Fact]
    public void A_bivit_head_gives_two_values_and_its_scale_gradient_is_scaled_by_one_over_root_elements_per_head()
    {
        // Two heads on axis 1 of [1, 2, 2, 3]: 6 elements per α, gradient factor 1/√6.
        using var activation = new ScaledSignActivation(channels: 2, channelAxis: 1);
        using (no_grad())
        {
            activation.named_parameters().Single(p => p.name == "alpha").parameter.copy_(tensor(new float[] { 2, 1 }));
            activation.named_parameters().Single(p => p.name == "offset").parameter.copy_(tensor(new float[] { 0.5f, -0.25f }));
            activation.named_buffers().Single(b => b.name == "initialized").buffer.fill_(1);
        }
        var input = new float[] { 0.4f, -3.2f, 1.1f, -0.6f, 2, 0.1f, 0.3f, -0.2f, 5, -0.9f, 0.05f, -2 };
        var y = activation.forward(tensor(input).reshape(1, 2, 2, 3));
        y.sum().backward();
        float[] a = { 2, 1 }, z = { 0.5f, -0.25f };
        var expected = new float[2];
        for (var h = 0; h < 2; h++)
        {
            var values = new HashSet<float>();
            for (var i = 0; i < 6; i++)
            {
                var x = input[6 * h + i];
                var u = x / a[h] + z[h];
                var b = Math.Clamp(u, -1, 1) >= 0 ? 1f : -1f;
                values.Add((b - z[h]) * a[h]);
                // ∂y/∂a = (b − z) + a·∂b/∂u·∂u/∂a, with ∂b/∂u = 1 inside the clamp and ∂u/∂a = −x/a².
                expected[h] += (b - z[h]) + (MathF.Abs(u) < 1 ? -x / a[h] : 0);
            }
            var actual = y.select(1, h).flatten().data<float>().Distinct().OrderBy(v => v).ToArray();
            Assert.Equal(values.OrderBy(v => v).ToArray(), actual, new ToleranceComparer());
            Assert.Equal(2, actual.Length);
            expected[h] /= MathF.Sqrt(6);
        }
        var alphaGrad = activation.named_parameters().Single(p => p.name == "alpha").parameter.grad!.data<float>().ToArray();
        Assert.Equal(expected, alphaGrad, new ToleranceComparer());
    }

    [Fact]
    public void A_row_with_one_discordant_pair_costs_its_softplus_over_the_three_pairs()
    {
        // Teacher orders keys 0 > 1 > 2; the student has 1 above 0 (gap −1) and agrees otherwise.
        var teacher = tensor(new float[] { 3, 2, 1 }).reshape(1, 1, 1, 3);
        var student = tensor(new float[] { 1, 2, 0 }).reshape(1, 1, 1, 3);
        var loss = RankingLoss.Compute(student, teacher, pairs: 0).item<float>();
        Assert.Equal(Math.Log(1 + Math.E) / 3, loss, 5);
    }

    private sealed class ToleranceComparer : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= 1e-5f * Math.Max(1, MathF.Abs(y));

        public int GetHashCode(float obj) => 0;
    }
}
