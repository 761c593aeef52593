using Dsl.Parser;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Tests;

internal static class TestSupport
{
    public static CompilationResult Compile(string text, AnnotationCatalog? catalog = null) => CModelCompiler.Compile("test.cmodel", text, catalog);

    public static CompilationResult CompileSample(string name)
    {
        var path = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), name, SearchOption.AllDirectories).Single();
        return CModelCompiler.Compile(path, File.ReadAllText(path));
    }

    public static IEnumerable<string> SamplePaths() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), "*.cmodel", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal);

    public static ModelResult Single(CompilationResult result)
    {
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.Models);
    }

    public static string Errors(CompilationResult result) => string.Join("\n", result.Diagnostics.Where(d => d.IsError));

    /// <summary>A model around one pipeline: input [N, ...dims], output input -> stages.</summary>
    public static string Model(string input, string stages) => $$"""
        model M {
            input x: [N, {{input}}]
            output x -> {{stages}}
        }
        """;
}
