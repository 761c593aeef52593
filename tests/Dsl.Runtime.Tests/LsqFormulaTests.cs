using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>LSQ against its definition: exact integer ranges, the step gradient per channel with saturation on both sides, the transposed convolution's output-channel axis.</summary>
public class LsqFormulaTests
{
    [Theory]
    [InlineData(2, -2, 1, 0, 3)]
    [InlineData(3, -4, 3, 0, 7)]
    [InlineData(4, -8, 7, 0, 15)]
    [InlineData(5, -16, 15, 0, 31)]
    [InlineData(6, -32, 31, 0, 63)]
    [InlineData(7, -64, 63, 0, 127)]
    [InlineData(8, -128, 127, 0, 255)]
    public void Ranges_are_exactly_the_b_bit_integers(int bits, double signedQn, double signedQp, double unsignedQn, double unsignedQp)
    {
        Assert.Equal((signedQn, signedQp), new LsqQuantizer(bits, sign: "signed").Range);
        Assert.Equal((unsignedQn, unsignedQp), new LsqQuantizer(bits, sign: "unsigned").Range);
    }

    [Fact]
    public void The_step_gradient_follows_lsq_per_channel_with_saturation_on_both_sides()
    {
        // 3-bit signed: Qn = −4, Qp = 3. Two channels of three weights, steps 0.5 and 0.25.
        using var quantizer = new LsqQuantizer(3, channels: 2, channelAxis: 0);
        using (no_grad())
        {
            quantizer.named_parameters().Single(p => p.name == "step").parameter.copy_(tensor(new float[] { 0.5f, 0.25f }));
            quantizer.named_buffers().Single(b => b.name == "initialized").buffer.fill_(1);
        }
        float[][] weights = { new[] { 0.6f, -3.0f, 2.2f }, new[] { 0.3f, 1.0f, -0.13f } };
        var x = tensor(weights.SelectMany(r => r).ToArray()).reshape(2, 3);
        var y = quantizer.forward(x);
        y.sum().backward();
        var gradient = quantizer.named_parameters().Single(p => p.name == "step").parameter.grad!.data<float>().ToArray();

        // ∂y/∂s = round(x/s) − x/s inside [Qn, Qp], Qn or Qp outside; the sum is scaled by
        // 1/√(n·Qp) with n = 3 weights per step.
        float[] steps = { 0.5f, 0.25f };
        for (var c = 0; c < 2; c++)
        {
            var sum = 0.0;
            foreach (var w in weights[c])
            {
                var v = w / steps[c];
                sum += v <= -4 ? -4 : v >= 3 ? 3 : Math.Round(v, MidpointRounding.ToEven) - v;
            }
            Assert.Equal(sum / Math.Sqrt(3 * 3), gradient[c], 5);
        }
        // The inputs saturate on both sides: −3/0.5 = −6 < Qn, 2.2/0.5 = 4.4 > Qp, 1/0.25 = 4 > Qp.
        Assert.Equal(new[] { 0.5f, -2.0f, 1.5f, 0.25f, 0.75f, -0.25f }, y.flatten().data<float>().ToArray());
    }

    [Fact]
    public void A_transposed_convolution_has_one_weight_step_per_output_channel_on_axis_1()
    {
        manual_seed(0);
        // Weight [in 6, out 2, 3, 3]: steps along axis 1.
        using var layer = Layers.ConvTranspose2d(inChannels: 6, outChannels: 2, kernel: 3, compression: Compression.Quant(w: 4, a: null, weight: "per_channel", act: "auto", zeroPoint: false, attention: true));
        using var noGrad = no_grad();
        layer.forward(randn(1, 6, 4, 4));
        var quantizer = (LsqQuantizer)layer.named_modules().Single(m => m.name == "weight_quant").module;
        var step = quantizer.named_parameters().Single(p => p.name == "step").parameter;
        Assert.Equal(new long[] { 2 }, step.shape);
        var quantized = ((LowBitLayer)layer).QuantizedWeight();
        for (var o = 0; o < 2; o++)
        {
            var levels = quantized.select(1, o) / step[o];
            Assert.True(levels.sub(levels.round()).abs().max().item<float>() < 1e-4, $"output channel {o} is not on its own step's grid");
        }
    }
}
