using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Dsl.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Dsl.Generator.Tests;

/// <summary>Runs the generator in memory over .cmodel texts, as the compiler would.</summary>
internal static class GeneratorHarness
{
    public static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(Dsl.Runtime.Layers).Assembly.Location))
        .ToImmutableArray();

    public static CSharpCompilation Compilation(params string[] csharp) => CSharpCompilation.Create(
        "Consumer",
        csharp.Select(c => CSharpSyntaxTree.ParseText(c, new CSharpParseOptions(LanguageVersion.Latest), path: "Program.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // As the .NET SDK does: TorchSharp is built against an older System.Runtime.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files) => CSharpGeneratorDriver.Create(
        new[] { new CModelGenerator().AsSourceGenerator() },
        files,
        new CSharpParseOptions(LanguageVersion.Latest),
        new Options("Consumer.Models"),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(params InMemoryText[] files)
    {
        var driver = Driver(files).RunGeneratorsAndUpdateCompilation(Compilation("class Anchor { }"), out var output, out var diagnostics);
        return (driver, output, diagnostics);
    }

    public static IEnumerable<InMemoryText> Samples() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), "*.cmodel", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new InMemoryText("/project/" + Path.GetFileName(p), File.ReadAllText(p)));

    private sealed class Options(string rootNamespace) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(rootNamespace);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Values(string rootNamespace) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                value = rootNamespace;
                return key == "build_property.RootNamespace";
            }
        }
    }
}

internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public string Content { get; } = text;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(Content);
}
