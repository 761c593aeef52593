using System.Diagnostics;
using System.Globalization;
using Dsl.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>
/// CPU inference of the same trained-shape models in TorchSharp and, exported, in ONNX Runtime:
/// full precision and LSQ W4A4 as QDQ (int8 containers), plus DeiT-S with and without DiffRate's
/// schedule. Rounds interleave the two engines and the median is kept. Speed does not depend on the
/// weights, so the models keep their initialisation (after a few training-mode passes, so
/// quantizers have their steps).
/// </summary>
public static class OnnxSpeed
{
    private static readonly (string Model, string File, int Batch)[] Models =
    {
        ("FashionResNet", "Quickstart/FashionResNet.cmodel", 64),
        ("SmallCnn", "Quantized/Quantized.cmodel", 64),
        ("SmallCnnW4A4", "Quantized/Quantized.cmodel", 64),
        ("SmallViT", "Quantized/Quantized.cmodel", 64),
        ("SmallViTW4A4", "Quantized/Quantized.cmodel", 64),
        ("DeiTSmall", "VisionTransformer/DeiTSmall.cmodel", 8),
        ("DeiTSmallDiffRate", "VisionTransformer/DeiTSmall.cmodel", 8),
    };

    public static void Run(int rounds)
    {
        Dsl.Runtime.Training.Allocator.KeepFreedMemory();
        var threads = get_num_threads();
        Console.WriteLine($"CPU inference, {threads} threads (TorchSharp and ONNX Runtime), median of {rounds} interleaved rounds, images/s");
        Console.WriteLine("| model | batch | TorchSharp | ONNX Runtime | ratio (ORT / TorchSharp) | largest difference |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, file, batch) in Models)
        {
            var type = typeof(OnnxSpeed).Assembly.GetTypes().Single(t => t.Name == name && t.GetField("Macs") != null);
            manual_seed(0);
            using var model = (nn.Module<Tensor, Tensor>)type.GetConstructors().Single().Invoke(type.GetConstructors().Single().GetParameters().Select(p => p.DefaultValue).ToArray());
            var input = InputShape(type).Select(d => d < 0 ? batch : d).ToArray();
            model.train();
            using (no_grad()) model.forward(randn(input));
            model.eval();
            var path = Path.Combine(Path.GetTempPath(), $"cmodel-bench-{name}.onnx");
            var source = Path.Combine(AppContext.BaseDirectory, "Samples", file);
            OnnxExport.Export(model, source, path);
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(path, options);
            using var images = randn(input);
            var data = images.data<float>().ToArray();
            using var value = OrtValue.CreateTensorValueFromMemory(data, input);
            var inputName = session.InputMetadata.Keys.Single();
            float[] RunOrt()
            {
                using var results = session.Run(new RunOptions(), new[] { inputName }, new[] { value }, session.OutputNames);
                return results[0].GetTensorDataAsSpan<float>().ToArray();
            }
            Tensor RunTorch()
            {
                using var noGrad = no_grad();
                return model.forward(images);
            }
            using var expected = RunTorch();
            var difference = (tensor(RunOrt()).reshape(expected.shape) - expected).abs().max().item<float>();
            var (torchTimes, ortTimes) = (new List<double>(), new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                using (var scope = NewDisposeScope()) RunTorch();
                torchTimes.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                RunOrt();
                ortTimes.Add(clock.Elapsed.TotalSeconds);
            }
            double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
            var (torchSpeed, ortSpeed) = (batch / Median(torchTimes), batch / Median(ortTimes));
            string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            Console.WriteLine($"| {name} | {batch} | {F(torchSpeed, "0.0")} | {F(ortSpeed, "0.0")} | {F(ortSpeed / torchSpeed, "0.00")} | {F(difference, "0.0E+0")} |");
            File.Delete(path);
        }
    }

    private static long[] InputShape(Type type)
    {
        var getter = type.GetProperty("InputShape", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetGetMethod()!;
        return getter.CreateDelegate<SpanGetter>()().ToArray();
    }

    private delegate ReadOnlySpan<long> SpanGetter();
}
