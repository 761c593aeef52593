using System.Diagnostics;
using System.Globalization;
using Dsl.Runtime.LowBit.Packed;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// The packed XNOR-popcount convolution against TorchSharp's float32 conv2d of the same shape, on
/// the five binarized layers of the ReBNN sample and three of ReActNet's ImageNet widths (the packing
/// of the input and the scale included), then the whole ReBNN model's images/s in float and with
/// its layers switched to the kernels.
/// Rounds interleave the contenders; medians are kept.
/// </summary>
public static class BinaryKernelSpeed
{
    private static readonly (string Layer, int In, int Out, int Size, int Stride)[] Layers =
    {
        ("net.unit1.conv", 32, 32, 14, 1),
        ("net.down1.conv", 32, 64, 14, 2),
        ("net.unit2.conv", 64, 64, 7, 1),
        ("net.down2.conv", 64, 128, 7, 2),
        ("net.unit3.conv", 128, 128, 4, 1),
        // ReActNet's ImageNet widths (batch as given), for how the kernel scales with channels.
        ("ImageNet 256", 256, 256, 14, 1),
        ("ImageNet 512", 512, 512, 7, 1),
        ("ImageNet 1024", 1024, 1024, 7, 1),
    };

    public static void Run(int batch, int rounds)
    {
        Dsl.Runtime.Training.Allocator.KeepFreedMemory();
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine($"ReBNN layers, batch {batch}, {get_num_threads()} threads, kernel {BinaryKernels.Isa}, median of {rounds} interleaved rounds");
        Console.WriteLine("| layer | shape | float32 conv2d | packed XNOR | speedup |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        manual_seed(0);
        foreach (var (name, inputs, outputs, size, stride) in Layers)
        {
            using var x = randn(batch, inputs, size, size);
            using var w = randn(outputs, inputs, 3, 3);
            var packed = new PackedBinaryConv2d(w, ones(outputs), null, (stride, stride), (1, 1));
            var (floatTimes, packedTimes) = Interleave(rounds,
                () => nn.functional.conv2d(x, w, null, new long[] { stride, stride }, new long[] { 1, 1 }),
                () => packed.Forward(x));
            var (f, p) = (Median(floatTimes), Median(packedTimes));
            Console.WriteLine($"| {name} | {inputs}→{outputs}, {size}×{size}, stride {stride} | {F(f * 1e3, "0.000")} ms | {F(p * 1e3, "0.000")} ms | {F(f / p, "0.0")}× |");
        }

        using var model = new ReBnnCnn();
        model.train();
        using (no_grad()) model.forward(randn(batch, 1, 28, 28));
        model.eval();
        using var images = randn(batch, 1, 28, 28);
        var (floatModel, packedModel) = (new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            BinaryKernels.Disable(model);
            floatModel.Add(Time(() => model.forward(images)));
            BinaryKernels.Enable(model);
            packedModel.Add(Time(() => model.forward(images)));
        }
        var (fm, pm) = (batch / Median(floatModel), batch / Median(packedModel));
        Console.WriteLine($"whole ReBnnCnn: {F(fm, "0")} images/s in float, {F(pm, "0")} images/s packed ({F(pm / fm, "0.00")}×)");
    }

    private static (List<double>, List<double>) Interleave(int rounds, Func<Tensor> first, Func<Tensor> second)
    {
        Time(first);
        Time(second);
        var (a, b) = (new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            a.Add(Time(first));
            b.Add(Time(second));
        }
        return (a, b);
    }

    private static double Time(Func<Tensor> run)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
}
