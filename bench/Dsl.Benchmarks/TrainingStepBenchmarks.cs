using BenchmarkDotNet.Attributes;
using Dsl.Shared;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// One SGD training step (forward, cross-entropy, backward, update) on a batch of 128: the
/// generated FashionResNet against the same network written by hand, in one process.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 20)]
public class TrainingStepBenchmarks
{
    private nn.Module<Tensor, Tensor> _generated = null!;
    private nn.Module<Tensor, Tensor> _handwritten = null!;
    private OptimizerHelper _generatedOptimizer = null!;
    private OptimizerHelper _handwrittenOptimizer = null!;
    private Tensor _images = null!;
    private Tensor _labels = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _generated = new FashionResNet();
        _handwritten = new HandwrittenResNet();
        using (no_grad())
        {
            foreach (var (source, target) in _generated.parameters().Zip(_handwritten.parameters())) target.copy_(source);
        }
        _generatedOptimizer = optim.SGD(_generated.parameters(), 0.01, momentum: 0.9);
        _handwrittenOptimizer = optim.SGD(_handwritten.parameters(), 0.01, momentum: 0.9);
        _images = rand(128, 1, 28, 28);
        _labels = randint(0, 10, new long[] { 128 });
    }

    [Benchmark(Baseline = true)]
    public float Handwritten() => SgdStep.Run(_handwritten, _handwrittenOptimizer, _images, _labels);

    [Benchmark]
    public float Generated() => SgdStep.Run(_generated, _generatedOptimizer, _images, _labels);
}
