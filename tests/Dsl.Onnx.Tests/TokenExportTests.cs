using Onnx;
using static TorchSharp.torch;

namespace Dsl.Onnx.Tests;

/// <summary>A fixed @tokens schedule (prune [17, 12], merge [17, 9]) is in the file as sorting, gathering and merging, and ONNX Runtime keeps and merges the tokens TorchSharp does.</summary>
public class TokenExportTests
{
    [Fact]
    public void A_fixed_schedule_prunes_and_merges_in_the_file_as_in_the_runtime()
    {
        const string name = "TinyViTTokens";
        var source = ExportedModels.SourceOf(name);
        var type = ExportedModels.Find(name);
        manual_seed(11);
        using var scope = NewDisposeScope();
        var model = ExportedModels.Create(type);
        ParityTests.Warm(model, ExportedModels.InputShape(type, 4));
        model.eval();
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-tokens-{Environment.ProcessId}.onnx");
        try
        {
            OnnxExport.Export(ParityTests.Compile(source), File.ReadAllText(source), name, model, path);
            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToList();
            // One reduction prunes 17 → 12 and merges 12 → 9; the other keeps all 17 tokens.
            Assert.Equal(1, ops.Count(o => o == "TopK"));
            Assert.Equal(2, ops.Count(o => o == "ScatterElements"));
            for (var trial = 0; trial < 5; trial++)
            {
                var input = randn(ExportedModels.InputShape(type, 6));
                Tensor expected;
                using (no_grad()) expected = ExportedModels.Forward(model, input)[0];
                Assert.True((ParityTests.Run(path, input) - expected).abs().max().item<float>() < 1e-4);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
