using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// Training images per second of the generated FashionResNet with the protocol of
/// bench/pytorch_fashion_resnet.py: batch 128, SGD with momentum, 10 warm-up steps, then the
/// mean over 50 timed steps.
/// </summary>
public static class Throughput
{
    public static void Run(int threads, bool keepFreedMemory)
    {
        if (keepFreedMemory) Dsl.Runtime.Training.Allocator.KeepFreedMemory();
        set_num_threads(threads);
        manual_seed(0);
        using var model = new FashionResNet();
        using var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using var images = rand(128, 1, 28, 28);
        using var labels = randint(0, 10, new long[] { 128 });
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(images), labels);
            loss.backward();
            optimizer.step();
        }
        for (var i = 0; i < 10; i++) Step();
        var clock = Stopwatch.StartNew();
        const int steps = 50;
        for (var i = 0; i < steps; i++) Step();
        Console.WriteLine($"TorchSharp 0.107.0 (LibTorch 2.10.0), generated FashionResNet, {threads} threads{(keepFreedMemory ? ", freed memory kept" : "")}: {steps * 128 / clock.Elapsed.TotalSeconds:F0} images/s");
    }
}
