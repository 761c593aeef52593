using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// DiffRate at DeiT-S scale: CPU inference of DeiT-S and of DeiT-S under the published
/// 2.9-GFLOPs token schedule, side by side. Rounds interleave the two models (a round times
/// each once) and the median of the rounds is kept, so a passing slowdown of the machine does
/// not favour either. The ideal speedup is the MACs ratio; the report divides one by the other.
/// Speed does not depend on the weights (the schedule fixes the token counts), so the models
/// keep their random initialisation.
/// </summary>
public static class TokenSpeedup
{
    public static void Run(int batch, int rounds)
    {
        // As in training: freed tensors stay in the heap (the full model's larger attention maps suffer most otherwise).
        Dsl.Runtime.Training.Allocator.KeepFreedMemory();
        manual_seed(0);
        using var full = new DeiTSmall();
        using var compressed = new DeiTSmallDiffRate();
        full.eval();
        compressed.eval();
        using var images = rand(batch, 3, 224, 224);
        double Time(nn.Module<Tensor, Tensor> model)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            model.forward(images);
            return clock.Elapsed.TotalSeconds;
        }
        Time(full);
        Time(compressed);
        var (fullTimes, compressedTimes) = (new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            fullTimes.Add(Time(full));
            compressedTimes.Add(Time(compressed));
        }
        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        var (fullSpeed, compressedSpeed) = (batch / Median(fullTimes), batch / Median(compressedTimes));
        var macsRatio = (double)DeiTSmall.Macs / DeiTSmallDiffRate.Macs;
        var speedup = compressedSpeed / fullSpeed;
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine($"DeiT-S, CPU inference, batch {batch}, {get_num_threads()} threads, median of {rounds} interleaved rounds");
        Console.WriteLine($"  full:                  {F(DeiTSmall.Macs / 1e9, "0.000")} GMACs  {F(fullSpeed, "0.0")} images/s");
        Console.WriteLine($"  DiffRate 2.9 schedule: {F(DeiTSmallDiffRate.Macs / 1e9, "0.000")} GMACs  {F(compressedSpeed, "0.0")} images/s");
        Console.WriteLine($"  speedup {F(speedup, "0.00")} for a MACs ratio of {F(macsRatio, "0.00")}: speedup / MACs ratio = {F(speedup / macsRatio, "0.00")}");
    }
}
