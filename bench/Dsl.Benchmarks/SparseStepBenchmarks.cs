using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// One SGD training step on a batch of 64 for a small CNN, dense against @sparse 2:4: forward
/// masks only (method: forward, the mask computation's overhead), Bi-Mask (its backward mask
/// and the masked input gradient, a convolution run once more in backward),
/// and Bi-Mask searching 10 permutations at every step (the search's cost, paid every 100
/// steps by default).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class SparseStepBenchmarks
{
    private readonly Dictionary<string, (nn.Module<Tensor, Tensor> Model, OptimizerHelper Optimizer)> _runs = new();
    private Tensor _images = null!;
    private Tensor _labels = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        foreach (var model in new nn.Module<Tensor, Tensor>[] { new SparseBenchDense(), new SparseBenchForward(), new SparseBenchBimask(), new SparseBenchSearch() })
        {
            model.train();
            _runs[model.GetType().Name] = (model, optim.SGD(model.parameters(), 0.01, momentum: 0.9));
        }
        _images = rand(64, 1, 28, 28);
        _labels = randint(0, 10, new long[] { 64 });
    }

    [Benchmark(Baseline = true)]
    public float Dense() => Step("SparseBenchDense");

    [Benchmark]
    public float ForwardMask() => Step("SparseBenchForward");

    [Benchmark]
    public float BiMask() => Step("SparseBenchBimask");

    [Benchmark]
    public float BiMaskSearchingEveryStep() => Step("SparseBenchSearch");

    private float Step(string name) => SgdStep.Run(_runs[name].Model, _runs[name].Optimizer, _images, _labels);
}
