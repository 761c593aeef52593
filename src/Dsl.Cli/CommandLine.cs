using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Parser;

namespace Dsl.Cli;

/// <summary>Parses the command line and dispatches to a command. Exit codes: 0 ok, 1 errors in a file, 2 usage.</summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int FileErrors = 1;
    public const int Usage = 2;

    private const string Help = """
        cmodel: check, cost, train, quantize and export .cmodel files.

        Usage:
          cmodel check FILE...                       report diagnostics (MSBuild format); exit 1 on errors
          cmodel cost FILE [--model NAME] [--json] [--lib FILE]...
                                                     per-layer MACs and parameters, and totals
          cmodel train FILE --model NAME [options]   train it on Fashion-MNIST (see cmodel train --help)
          cmodel ptq FILE --model NAME --weights W --calibration DIR --out Q
                                                     quantize its @ptq layers after training (see cmodel ptq --help)
          cmodel export FILE --model NAME --weights W --out MODEL.onnx
                                                     write the trained model as ONNX (see cmodel export --help)
          cmodel --help | --version
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Help);
            return args.Length == 0 ? Usage : Ok;
        }
        if (args[0] == "--version")
        {
            stdout.WriteLine(typeof(CommandLine).Assembly.GetName().Version?.ToString(3));
            return Ok;
        }
        var rest = args.Skip(1).ToList();
        switch (args[0])
        {
            case "check":
                return Check(rest, stdout, stderr);
            case "cost":
                return Cost(rest, stdout, stderr);
            case "train" when rest.Count == 1 && rest[0] is "--help" or "-h":
                stdout.WriteLine("usage: " + TrainCommand.Usage);
                stdout.WriteLine("Trains on the Fashion-MNIST subset shipped with cmodel, the full set from Debian's dataset-fashion-mnist (--full), or --data DIR.");
                return Ok;
            case "train":
                return TrainCommand.Run(rest, stdout, stderr);
            case "ptq" when rest.Count == 1 && rest[0] is "--help" or "-h":
                stdout.WriteLine("usage: " + PtqCommand.Usage);
                stdout.WriteLine("Quantizes a trained model's @ptq layers on patches of a folder of photographs, without fine-tuning.");
                return Ok;
            case "ptq":
                return PtqCommand.Run(rest, stdout, stderr);
            case "export" when rest.Count == 1 && rest[0] is "--help" or "-h":
                stdout.WriteLine("usage: " + ExportCommand.Usage);
                stdout.WriteLine("Writes the model with its trained weights (PyTorch .pt, .safetensors, or a trainer checkpoint) as ONNX opset 17; @quant layers become QuantizeLinear/DequantizeLinear pairs.");
                return Ok;
            case "export":
                return ExportCommand.Run(rest, stdout, stderr);
            default:
                stderr.WriteLine($"cmodel: unknown command '{args[0]}'; expected check, cost, train, ptq or export (see cmodel --help)");
                return Usage;
        }
    }

    private static int Check(List<string> files, TextWriter stdout, TextWriter stderr)
    {
        if (files.Count == 0)
        {
            stderr.WriteLine("cmodel check: give one or more .cmodel files");
            return Usage;
        }
        var errors = 0;
        var warnings = 0;
        // The files checked together are one project: blocks of one are callable from the others.
        var project = new List<(string Path, string Text)>();
        foreach (var file in files)
        {
            if (Read(file, stderr) is not { } text) return Usage;
            project.Add((file, text));
        }
        foreach (var (file, text) in project)
        {
            var result = CModelCompiler.Compile(file, text, project: project);
            foreach (var d in result.Diagnostics) stdout.WriteLine(d);
            errors += result.Diagnostics.Count(d => d.IsError);
            warnings += result.Diagnostics.Count(d => !d.IsError);
        }
        stdout.WriteLine($"{files.Count} file{(files.Count == 1 ? "" : "s")} checked: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
        return errors > 0 ? FileErrors : Ok;
    }

    private static int Cost(List<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? file = null;
        string? model = null;
        var json = false;
        var libraries = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--lib" when i + 1 < args.Count:
                    libraries.Add(args[++i]);
                    break;
                case "--model" when i + 1 < args.Count:
                    model = args[++i];
                    break;
                case "--model":
                    stderr.WriteLine("cmodel cost: --model needs a model name");
                    return Usage;
                default:
                    if (args[i].StartsWith("-", StringComparison.Ordinal) || file != null)
                    {
                        stderr.WriteLine($"cmodel cost: unexpected '{args[i]}' (usage: cmodel cost FILE [--model NAME] [--json] [--lib FILE]...)");
                        return Usage;
                    }
                    file = args[i];
                    break;
            }
        }
        if (file == null)
        {
            stderr.WriteLine("cmodel cost: give a .cmodel file");
            return Usage;
        }
        var result = Load(file, libraries, stderr);
        if (result == null) return Usage;
        if (result.HasErrors)
        {
            foreach (var d in result.Diagnostics) stderr.WriteLine(d);
            return FileErrors;
        }
        var models = result.Models.Where(m => model == null || m.Class.Name == model).ToList();
        if (models.Count == 0)
        {
            var names = string.Join(", ", result.Models.Select(m => m.Class.Name));
            stderr.WriteLine(model == null
                ? $"cmodel cost: {file} declares no model"
                : $"cmodel cost: {file} has no model '{model}'; it has: {(names.Length == 0 ? "none" : names)}");
            return Usage;
        }
        if (json) CostJson.Write(models.Select(m => m.Cost).ToList(), file, stdout);
        else foreach (var m in models) CostTable.Write(m.Cost, file, stdout);
        return Ok;
    }

    /// <summary>Compiles a file with the blocks of <paramref name="libraries"/> (other .cmodel files) in reach; null after saying what could not be read.</summary>
    internal static CompilationResult? Load(string file, IReadOnlyList<string> libraries, TextWriter stderr)
    {
        if (Read(file, stderr) is not { } text) return null;
        var project = new List<(string, string)>();
        foreach (var library in libraries)
        {
            if (Read(library, stderr) is not { } libraryText) return null;
            project.Add((library, libraryText));
        }
        return CModelCompiler.Compile(file, text, project: project);
    }

    private static string? Read(string file, TextWriter stderr)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"cmodel: cannot read {file}: {e.Message}");
            return null;
        }
    }
}
