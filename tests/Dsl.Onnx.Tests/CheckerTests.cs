using System.Diagnostics;
using static TorchSharp.torch;

namespace Dsl.Onnx.Tests;

/// <summary>ONNX's own checker (Debian's python3-onnx, full check with shape inference) accepts every model the back end writes.</summary>
public class CheckerTests
{
    [Fact]
    public void The_onnx_checker_accepts_every_exported_model()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-onnx-checker-").FullName;
        try
        {
            var files = new List<string>();
            foreach (var name in ParityTests.Models().Select(m => (string)m[0]))
            {
                var source = ExportedModels.SourceOf(name);
                var compilation = ParityTests.Compile(source);
                if (OnnxSupport.Check(compilation, File.ReadAllText(source), name).Count > 0) continue;
                manual_seed(0);
                using var scope = NewDisposeScope();
                var type = ExportedModels.Find(name);
                var model = ExportedModels.Create(type);
                ParityTests.Warm(model, ExportedModels.InputShape(type, 2));
                var path = Path.Combine(folder, name + ".onnx");
                OnnxExport.Export(compilation, File.ReadAllText(source), name, model, path);
                files.Add(path);
            }
            Assert.True(files.Count >= 60, $"only {files.Count} models exported");
            const string script = "import onnx, sys\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint('checked', len(sys.argv) - 1)";
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            foreach (var f in files) start.ArgumentList.Add(f);
            using var python = Process.Start(start)!;
            var output = python.StandardOutput.ReadToEnd();
            var errors = python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, "the ONNX checker refused a file (setup.sh installs python3-onnx):\n" + errors);
            Assert.Equal($"checked {files.Count}", output.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
