using System.Diagnostics;
using System.Globalization;
using Dsl.Runtime.Winograd;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// One 3×3×3 convolution layer's inference on the CPU: TorchSharp's conv3d against the same layer
/// in the Winograd domain, F(2, 3), with all 64 positions and with fewer kept, in one process.
/// Rounds interleave the settings (a round times each once) and the median of the rounds is
/// kept, so a passing slowdown of the machine favours none. The ideal speed-up from removing
/// positions is 64 / kept for the element-wise stage; the transforms do not shrink.
/// </summary>
public static class WinogradSpeed
{
    public static void Run(int channels, int frames, int size, int batch, int rounds)
    {
        Dsl.Runtime.Training.Allocator.KeepFreedMemory();
        manual_seed(0);
        using var conv = nn.Conv3d(channels, channels, 3, padding: 1);
        conv.eval();
        var settings = new List<(string Name, nn.Module<Tensor, Tensor> Layer, double Positions)> { ("conv3d (TorchSharp)", conv, double.NaN) };
        foreach (var keep in new[] { 64, 48, 32, 16 })
        {
            var layer = new WinogradLayer(conv, 2, "lowrank", 27);
            if (keep < 64) layer.Keep(keep);
            layer.eval();
            settings.Add(($"Winograd F(2,3), {keep} of 64 positions", layer, keep));
        }
        using var x = randn(new long[] { batch, channels, frames, size, size });
        double Time(nn.Module<Tensor, Tensor> layer)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            layer.forward(x);
            return clock.Elapsed.TotalMilliseconds;
        }
        foreach (var s in settings) Time(s.Layer);
        var times = settings.Select(_ => new List<double>()).ToList();
        for (var r = 0; r < rounds; r++)
            for (var i = 0; i < settings.Count; i++) times[i].Add(Time(settings[i].Layer));
        var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToList();
        string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
        Console.WriteLine($"conv3d {channels}→{channels}, 3×3×3, input [{batch}, {channels}, {frames}, {size}, {size}], {get_num_threads()} threads, median of {rounds} interleaved rounds");
        // Numerics: F(2, 3) and F(4, 3) against conv3d on the same input, in float32.
        using (no_grad())
        {
            using var expected = conv.forward(x);
            foreach (var tile in new[] { 2, 4 })
            {
                var t = WinogradTransforms.For(tile);
                using var u = Winograd3d.TransformWeight(conv.weight!, t);
                using var actual = Winograd3d.Convolve(x, u, conv.bias, t, 1);
                var error = (actual - expected).abs().max().item<float>();
                Console.WriteLine($"  F({tile}, 3) against conv3d: max |Δ| {error:0.0e0} (outputs up to {expected.abs().max().item<float>():0.00})");
            }
        }
        var full = medians[1];
        for (var i = 0; i < settings.Count; i++)
        {
            var line = $"  {settings[i].Name,-36} {F(medians[i], "0.0"),8} ms   ×{F(medians[0] / medians[i], "0.00")} of conv3d";
            if (!double.IsNaN(settings[i].Positions)) line += $"   ×{F(full / medians[i], "0.00")} of all positions (ideal ×{F(64 / settings[i].Positions, "0.00")} for the products)";
            Console.WriteLine(line);
        }
    }
}
