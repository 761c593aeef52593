using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// Every generated model (one per layer kind, the samples' compressed variants) trains a few
/// steps without leaving a tensor behind: neither a live managed tensor nor native memory,
/// which a tensor that libtorch allocates outside any dispose scope would grow.
/// </summary>
public class LeakTests
{
    // DeiT-S and EDSR take seconds a step; their layers are covered by the smaller models.
    private const long MaxMacsPerSample = 200_000_000;

    public static IEnumerable<object[]> Models() => SmallModels().Select(t => new object[] { t.Name });

    private static IEnumerable<Type> SmallModels() =>
        GeneratedModels.All().Where(t => (long)t.GetField("Macs")!.GetValue(null)! <= MaxMacsPerSample);

    [Theory]
    [MemberData(nameof(Models))]
    public void Training_steps_leave_no_tensor_and_no_native_memory_behind(string name)
    {
        var type = GeneratedModels.All().Single(t => t.Name == name);
        manual_seed(0);
        using var model = GeneratedModels.Create(type);
        model.train();
        var sample = GeneratedModels.Shape(type, "InputShape").Skip(1).Aggregate(1L, (a, b) => a * b);
        // Big enough batches that a leaked activation shows far above the allocator's noise.
        var batch = Math.Max(2, 65_536 / sample);
        var shape = GeneratedModels.Shape(type, "InputShape").Select(d => d < 0 ? batch : d).ToArray();
        using var optimizer = optim.SGD(model.parameters(), 1e-3, momentum: 0.9);

        void Step()
        {
            using var scope = NewDisposeScope();
            var loss = model.forward(randn(shape, requires_grad: true)).square().mean();
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
        }

        for (var i = 0; i < 3; i++) Step();
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        // The heap's in-use figure moves by a few MB as caches fill and fragments settle; a
        // leak moves it every window, by its size times the steps.
        const int windows = 3, steps = 4;
        var growth = new long[windows];
        for (var w = 0; w < windows; w++)
        {
            var before = NativeBytesInUse();
            for (var i = 0; i < steps; i++) Step();
            growth[w] = NativeBytesInUse() - before;
        }

        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var inputBytes = batch * sample * sizeof(float);
        Assert.False(growth.All(g => g > inputBytes * steps / 2),
            $"{name}: native memory grew by {string.Join(", ", growth.Select(g => g.ToString("N0")))} bytes in windows of {steps} steps (input {inputBytes:N0} bytes)");
    }

    [Fact]
    public void The_models_run_here_cover_every_layer_kind_and_every_compressed_variant()
    {
        var sources = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Models"), "*.cmodel")
            .Select(File.ReadAllText).ToList();
        var missing = Dsl.Parser.Layers.LayerCatalog.All.Keys.Where(layer => !sources.Any(s => s.Contains(layer, StringComparison.Ordinal))).ToList();
        Assert.Empty(missing);
        var names = SmallModels().Select(t => t.Name).ToHashSet();
        // The samples' compressed variants: LSQ, ReBNN, Bi-ViT, DiffRate (fixed and learned).
        foreach (var model in new[] { "SmallCnnW4A4", "SmallViTW2A2", "ReBnnCnn", "ReBnnConstantCnn", "PlainBinaryCnn", "BiViTFull", "BiViTDistilled", "FashionViTSearch", "TinyViTTokens" })
            Assert.Contains(model, names);
    }

    [Fact]
    public void Hardtanh_clamps_to_its_range()
    {
        using var layer = Layers.Hardtanh(0, 6);
        using var x = tensor(new[] { -1f, 0f, 3f, 6f, 7f });
        Assert.Equal(new[] { 0f, 0f, 3f, 6f, 6f }, layer.forward(x).data<float>().ToArray());
    }

    // Garbage is not a leak: native memory that unreachable managed objects (autograd function
    // contexts, tensor handles awaiting finalization) still own is released first, so only what
    // stays reachable, or what libtorch lost track of, counts.
    private static long NativeBytesInUse()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var info = mallinfo2();
        return (long)(info.uordblks + info.hblkhd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();
}
