using System.Diagnostics;
using Dsl.Runtime.Training;
using TorchSharp;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>A long run does not grow: the live tensor count and resident memory stay flat.</summary>
public class MemoryTests
{
    private sealed class Probe : TrainingHook
    {
        public readonly List<(long Step, long LiveTensors, long Resident)> Samples = new();

        public override void OnEpochEnd(EpochResult result)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            Samples.Add((result.Epoch, DisposeScopeManager.Statistics.ThreadTotalLiveCount, process.WorkingSet64));
        }
    }

    [Fact]
    public void Six_hundred_steps_keep_live_tensors_and_memory_flat()
    {
        manual_seed(0);
        using var model = new TinyNet();
        var probe = new Probe();
        var trainer = new Trainer(Options(epochs: 20), TextWriter.Null);
        trainer.Hooks.Add(probe);
        // 256 images in batches of 8: 32 steps an epoch, 640 steps in all.
        trainer.Fit(model, Loader(TrainData(256), batch: 8), Loader(TestData(64), shuffle: false));
        var (_, liveAfterWarmup, residentAfterWarmup) = probe.Samples[2];
        var (_, liveAtEnd, residentAtEnd) = probe.Samples[^1];
        Assert.Equal(liveAfterWarmup, liveAtEnd);
        Assert.InRange(residentAtEnd / (double)residentAfterWarmup, 0.9, 1.05);
    }
}
