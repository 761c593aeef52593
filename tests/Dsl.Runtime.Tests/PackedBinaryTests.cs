using Dsl.Runtime.LowBit;
using Dsl.Runtime.LowBit.Packed;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// The packed XNOR-popcount kernels count exactly what the float binarized layer computes: their
/// integer dot products equal conv2d / linear of the ±1 signs, on every instruction set this CPU
/// runs, for sizes that do not fill a word or a vector; a trained binarized model switched to them
/// gives its float output.
/// </summary>
public class PackedBinaryTests
{
    public static IEnumerable<object[]> InstructionSets() =>
        new[] { XnorIsa.Scalar, XnorIsa.Avx2, XnorIsa.Avx512 }.Where(i => i <= BinaryKernels.Isa).Select(i => new object[] { i });

    private static Tensor Signs(Tensor t) => where(t >= 0, 1f, -1f);

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void Convolution_dots_equal_the_float_convolution_of_the_signs(XnorIsa isa)
    {
        manual_seed(1);
        // 70 channels (two words, the second 6 bits full), 13 outputs (not a multiple of 8), stride 2 with padding.
        var (x, w) = (randn(3, 70, 9, 11), randn(13, 70, 3, 3));
        x[0, 5, 2, 3] = tensor(0f);
        foreach (var (stride, padding) in new[] { (2L, 1L), (1L, 0L), (1L, 2L) })
        {
            var layer = new PackedBinaryConv2d(w, ones(13), null, (stride, stride), (padding, padding), isa);
            var expected = nn.functional.conv2d(Signs(x), Signs(w), null, new[] { stride, stride }, new[] { padding, padding });
            Assert.True(layer.Dots(x).eq(expected).all().item<bool>(), $"stride {stride}, padding {padding}");
        }
    }

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void Linear_dots_equal_the_float_product_of_the_signs(XnorIsa isa)
    {
        manual_seed(2);
        var (x, w) = (randn(2, 5, 130), randn(11, 130));
        x[1, 2, 129] = tensor(0f);
        var layer = new PackedBinaryLinear(w, ones(11), null, isa);
        Assert.True(layer.Dots(x).eq(nn.functional.linear(Signs(x), Signs(w))).all().item<bool>());
    }

    [Fact]
    public void The_scale_and_bias_are_applied_after_the_count()
    {
        manual_seed(3);
        var (x, w, alpha, bias) = (randn(2, 20), randn(6, 20), rand(6) + 0.1, randn(6));
        var layer = new PackedBinaryLinear(w, alpha, bias);
        var expected = nn.functional.linear(Signs(x), Signs(w) * alpha.unsqueeze(1), bias);
        Assert.True(layer.Forward(x).allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void A_rebnn_model_switched_to_the_kernels_gives_its_float_output()
    {
        manual_seed(4);
        using var model = new ReBnnCnn();
        var switched = SwitchAndCompare(model, new long[] { 5, 1, 28, 28 });
        Assert.Equal(new[] { "net.unit1.conv", "net.down1.conv", "net.unit2.conv", "net.down2.conv", "net.unit3.conv" }, switched);
        BinaryKernels.Disable(model);
        Assert.All(model.modules().OfType<LowBitLayer>(), l => Assert.Null(l.Packed));
    }

    [Fact]
    public void A_bivit_model_runs_its_scaled_sign_linears_packed()
    {
        manual_seed(5);
        using var model = new TinyBiViT();
        Assert.NotEmpty(SwitchAndCompare(model, new long[] { 3, 1, 28, 28 }));
    }

    /// <summary>A few training passes (so the scales initialise), then the eval output in float and after switching; returns the switched layers.</summary>
    private static IReadOnlyList<string> SwitchAndCompare(nn.Module<Tensor, Tensor> model, long[] shape)
    {
        model.train();
        using (no_grad()) model.forward(randn(shape));
        model.eval();
        var input = randn(shape);
        Tensor expected;
        using (no_grad()) expected = model.forward(input);
        var switched = BinaryKernels.Enable(model);
        Tensor packed;
        using (no_grad()) packed = model.forward(input);
        Assert.True(packed.allclose(expected, rtol: 1e-4, atol: 1e-4), $"largest difference {(packed - expected).abs().max().item<float>()}");
        return switched;
    }
}
