using System;
using System.IO;
using System.Linq;

namespace Dsl.Cli;

/// <summary>The model a verb runs: its file compiled in memory and the model named by <c>--model</c> (or the file's only one).</summary>
internal static class ModelChoice
{
    /// <summary>
    /// The model's type, or null: with <paramref name="error"/> for a usage problem, or an empty
    /// error after the file's diagnostics went to <paramref name="stderr"/>.
    /// </summary>
    public static Type? Resolve(VerbArguments args, TextWriter stderr, out string error)
    {
        error = "";
        string text;
        try
        {
            text = File.ReadAllText(args.File);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read {args.File}: {e.Message}";
            return null;
        }
        var assembly = InMemoryModels.Compile(args.File, text, args.Libraries, stderr);
        if (assembly == null) return null;
        var names = InMemoryModels.ModelNames(assembly).ToList();
        var modelName = args["model"];
        if (modelName == null)
        {
            if (names.Count != 1)
            {
                error = $"{args.File} declares {(names.Count == 0 ? "no model" : "the models " + string.Join(", ", names))}; choose one with --model NAME";
                return null;
            }
            modelName = names[0];
        }
        var type = InMemoryModels.FindModel(assembly, modelName);
        if (type == null) error = $"{args.File} has no model '{modelName}'; it has: {string.Join(", ", names)}";
        return type;
    }
}
