using Dsl.Cli;
using Dsl.Runtime.Weights;
using static TorchSharp.torch;

namespace Dsl.Cli.Tests;

/// <summary>`cmodel export`: a trained model in, an ONNX file out; a method the back end cannot lower is a located error with nothing written.</summary>
public class ExportCommandTests
{
    private const string Source = """
        model Quantized {
            input x: [N, 1, 8, 8]
            h = x -> conv2d(4, kernel: 3, padding: 1) @quant(w: 4, a: 4) -> batch_norm -> relu
            output h -> flatten -> linear(3)
        }

        model Calibrated {
            input x: [N, 1, 8, 8]
            output x -> conv2d(4, kernel: 3, padding: 1) @ptq(w: 4, a: 4) -> flatten -> linear(3)
        }
        """;

    private static (string Folder, string Model) Setup(string name, out string weights)
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-export-cli-").FullName;
        var model = Path.Combine(folder, "m.cmodel");
        File.WriteAllText(model, Source);
        var assembly = InMemoryModels.Compile(model, Source, Array.Empty<(string, string)>(), TextWriter.Null)!;
        manual_seed(0);
        using var trained = InMemoryModels.Create(InMemoryModels.FindModel(assembly, name)!);
        using (no_grad()) trained.forward(randn(4, 1, 8, 8));
        weights = Path.Combine(folder, "m.safetensors");
        PyTorchWeights.Save(trained, weights);
        return (folder, model);
    }

    [Fact]
    public void Export_writes_the_onnx_file()
    {
        var (folder, model) = Setup("Quantized", out var weights);
        var output = Path.Combine(folder, "m.onnx");
        var (code, stdout, stderr) = CliTests.Run("export", model, "--model", "Quantized", "--weights", weights, "--out", output);
        Assert.True(code == CommandLine.Ok, stderr);
        Assert.Matches(@"wrote .*m\.onnx: Quantized, \d+ nodes, \d+\.\d KiB, opset 17; input x, output output", stdout);
        Assert.True(new FileInfo(output).Length > 0);
    }

    [Fact]
    public void A_method_without_a_lowering_is_a_located_error_and_nothing_is_written()
    {
        var (folder, model) = Setup("Calibrated", out var weights);
        var output = Path.Combine(folder, "m.onnx");
        var (code, _, stderr) = CliTests.Run("export", model, "--model", "Calibrated", "--weights", weights, "--out", output);
        Assert.Equal(CommandLine.FileErrors, code);
        Assert.Contains("m.cmodel(9,50): error CM2001: the ONNX back end cannot lower @ptq", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Weights_that_do_not_fit_are_refused_with_nothing_written()
    {
        var (folder, model) = Setup("Calibrated", out var weights);
        var output = Path.Combine(folder, "m.onnx");
        var (code, _, stderr) = CliTests.Run("export", model, "--model", "Quantized", "--weights", weights, "--out", output);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("does not fit Quantized", stderr);
        Assert.False(File.Exists(output));
    }
}
