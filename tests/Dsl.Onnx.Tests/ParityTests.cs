using Dsl.Parser;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dsl.Onnx.Tests;

/// <summary>
/// Every model the generator emitted here (the samples' and one per layer) exported to ONNX and run
/// in ONNX Runtime gives TorchSharp's output for the same input; a model the back end cannot lower
/// gets a located error instead.
/// </summary>
public class ParityTests(ITestOutputHelper output)
{
    // CycleGAN's 256×256 generator takes seconds a pass on the CPU; its layers are in the 32×32 ones.
    private const long MaxMacs = 2_000_000_000;

    public static IEnumerable<object[]> Models() => ExportedModels.All()
        .Where(t => (long)t.GetField("Macs")!.GetValue(null)! <= MaxMacs)
        .Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_gives_the_torchsharp_output(string name)
    {
        var type = ExportedModels.Find(name);
        var source = ExportedModels.SourceOf(name);
        manual_seed(3);
        using var scope = NewDisposeScope();
        var model = ExportedModels.Create(type);
        Warm(model, ExportedModels.InputShape(type, 4));
        var input = randn(ExportedModels.InputShape(type, 3));
        model.eval();
        IReadOnlyList<Tensor> expected;
        using (no_grad()) expected = ExportedModels.Forward(model, input);

        var path = Path.Combine(Path.GetTempPath(), $"cmodel-onnx-{name}-{Environment.ProcessId}.onnx");
        try
        {
            var compilation = Compile(source);
            var problems = OnnxSupport.Check(compilation, File.ReadAllText(source), name);
            if (problems.Count > 0)
            {
                // Refused only for what this version does not lower, each error at a line of the file.
                foreach (var p in problems) output.WriteLine(p.ToString());
                Assert.All(problems, p => Assert.True(p.Start.Line > 0 && Refused.Any(r => p.Message.StartsWith(r, StringComparison.Ordinal)), p.ToString()));
                return;
            }
            OnnxExport.Export(compilation, File.ReadAllText(source), name, model, path);
            var actual = RunAll(path, input);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                var difference = (actual[i] - expected[i]).abs().max().item<float>();
                var scale = Math.Max(1, expected[i].abs().max().item<float>());
                output.WriteLine($"{name}: largest difference {difference:E2} (outputs up to {scale:F2})");
                Assert.True(difference <= 1e-4 * scale, $"{name}: ONNX Runtime differs from TorchSharp by {difference} (outputs up to {scale})");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_binarized_activation_at_zero_is_plus_one_as_in_the_runtime()
    {
        manual_seed(0);
        var model = ExportedModels.Create(ExportedModels.Find("SignAtZero"));
        model.eval();
        var input = cat(new[] { zeros(2, 8), randn(2, 8) });
        Tensor expected;
        using (no_grad()) expected = ExportedModels.Forward(model, input)[0];
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-onnx-sign-{Environment.ProcessId}.onnx");
        try
        {
            var source = ExportedModels.SourceOf("SignAtZero");
            OnnxExport.Export(Compile(source), File.ReadAllText(source), "SignAtZero", model, path);
            Assert.True((Run(path, input) - expected).abs().max().item<float>() < 1e-5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>What this version refuses: methods whose runtime layers have no ONNX form yet.</summary>
    private static readonly string[] Refused =
    {
        "the ONNX back end cannot lower @multibit", "the ONNX back end cannot lower @ptq", "the ONNX back end cannot lower @winograd",
        "the ONNX back end cannot lower @dynamic",
    };

    /// <summary>A few training-mode passes: BatchNorm statistics move off their initial values and LSQ's steps initialise from data.</summary>
    internal static void Warm(nn.Module model, long[] shape)
    {
        model.train();
        using var noGrad = no_grad();
        for (var i = 0; i < 3; i++) ExportedModels.Forward(model, randn(shape) * 1.5 + 0.2);
    }

    internal static CompilationResult Compile(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var library = Directory.GetFiles(folder, "*.cmodel").Where(p => p != path).Select(p => (p, File.ReadAllText(p))).ToList();
        return CModelCompiler.Compile(path, File.ReadAllText(path), project: library);
    }

    internal static Tensor Run(string path, Tensor input) => RunAll(path, input)[0];

    /// <summary>Every output of the ONNX file for <paramref name="input"/>, in the file's order.</summary>
    internal static IReadOnlyList<Tensor> RunAll(string path, Tensor input)
    {
        // ONNX Runtime's extended optimizations turn a DequantizeLinear weight of ≤ 4 bits feeding MatMul into
        // MatMulNBits, which by default computes with int8 activations (accuracy level 4): level 1 keeps float32.
        using var options = new SessionOptions();
        options.AddSessionConfigEntry("session.qdq_matmulnbits_accuracy_level", "1");
        using var session = new InferenceSession(path, options);
        var data = input.contiguous().data<float>().ToArray();
        var inputName = session.InputMetadata.Keys.Single();
        using var value = OrtValue.CreateTensorValueFromMemory(data, input.shape);
        using var results = session.Run(new RunOptions(), new[] { inputName }, new[] { value }, session.OutputNames);
        return results.Select(r => tensor(r.GetTensorDataAsSpan<float>().ToArray()).reshape(r.GetTensorTypeAndShape().Shape)).ToList();
    }
}
