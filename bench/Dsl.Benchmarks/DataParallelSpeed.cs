using System.Diagnostics;
using System.Globalization;
using Dsl.Runtime.Data;
using Dsl.Runtime.Distributed;
using Dsl.Runtime.Training;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// Data-parallel training speed, run once alone and once under <c>mpirun -n K</c> by
/// bench/distributed.sh: the Trainer on the Fashion-MNIST subset (global batch split over the
/// ranks), rank 0 reporting images/s and the all-reduce time per step; and MPI all-reduce alone
/// over growing float32 buffers, for the cost per megabyte that the K-machine model uses.
/// </summary>
public static class DataParallelSpeed
{
    public static void Train(string modelName, int batch, int samples, bool syncBatchNorm)
    {
        var world = Communicator.World;
        // Run from the repository root (bench/distributed.sh does), where the subset lives.
        var (train, test) = FashionMnist.Load(FashionMnist.Locate("data/fashion-mnist-subset", full: false));
        using var part = new ImageClassificationData(train.Images.narrow(0, 0, samples), train.Labels.narrow(0, 0, samples), train.Classes, train.Source);
        using var held = new ImageClassificationData(test.Images.narrow(0, 0, 200), test.Labels.narrow(0, 0, 200), test.Classes, test.Source);
        manual_seed(0);
        using var model = modelName switch
        {
            "FashionResNet" => (nn.Module<Tensor, Tensor>)new FashionResNet(),
            "SmallCnn" => new SmallCnn(),
            "SmallViT" => new SmallViT(),
            _ => throw new ArgumentException($"no model {modelName}: FashionResNet, SmallCnn or SmallViT"),
        };
        var gradientBytes = model.parameters().Sum(p => p.numel() * p.element_size());
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = 2,
            Optimizer = new OptimizerSpec.Sgd(0.05, Momentum: 0.9),
            Device = "cpu",
            SyncBatchNorm = syncBatchNorm,
            Progress = ProgressMode.Silent,
        }, TextWriter.Null);
        var summary = trainer.Fit(model, new BatchLoader(part, batch, shuffle: true), new BatchLoader(held, 200, shuffle: false));
        if (world is { IsRoot: false }) return;
        var steps = 2 * (samples + batch - 1) / batch;
        var reduce = world?.AllReduceStatistics;
        // The second epoch: the first pays for JIT and allocator warm-up.
        var imagesPerSecond = summary.History[^1].ImagesPerSecond;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{modelName}{(syncBatchNorm ? " (SyncBatchNorm)" : "")}, global batch {batch}, {world?.Size ?? 1} rank(s), {get_num_threads()} thread(s) each: {imagesPerSecond:F0} images/s (epoch 2), gradients {gradientBytes / 1e6:F2} MB, all-reduce {(reduce == null ? 0 : reduce.Seconds / steps * 1e3):F2} ms per step ({(reduce == null ? 0 : reduce.Bytes / (double)steps / 1e6):F2} MB)"));
    }

    /// <summary>Median seconds of an in-place float32 all-reduce, from 64 KB up to <paramref name="maxMegabytes"/>.</summary>
    public static void AllReduce(int maxMegabytes)
    {
        var world = Communicator.World ?? throw new InvalidOperationException("run under mpirun -n K");
        if (world.IsRoot) Console.WriteLine("| MB | ms per all-reduce | ms per MB |\n|---:|---:|---:|");
        for (var megabytes = 0.0625; megabytes <= maxMegabytes; megabytes *= 4)
        {
            using var buffer = ones((long)(megabytes * (1 << 20) / 4));
            var times = new List<double>();
            for (var i = 0; i < 15; i++)
            {
                world.Barrier();
                var clock = Stopwatch.StartNew();
                world.AllReduce(buffer);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var median = times.Order().ElementAt(times.Count / 2);
            if (world.IsRoot) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {megabytes:G4} | {median:F3} | {median / megabytes:F3} |"));
        }
    }
}
