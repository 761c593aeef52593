using System.Text.RegularExpressions;
using Dsl.Parser.Diagnostics;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>The README and docs/language.md tell the truth: their .cmodel examples compile and their quoted diagnostics are what the compiler says.</summary>
public class DocsTests
{
    private static readonly Regex Fence = new(@"^```(\w*)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dsl.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("the repository (Dsl.sln) is not above " + AppContext.BaseDirectory);
    }

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Repository(), relative)).Replace("\r\n", "\n");

    /// <summary>Untagged fenced blocks that are whole .cmodel files (they start with a declaration or a comment before one).</summary>
    public static IEnumerable<object[]> Examples() =>
        new[] { "README.md", "docs/language.md" }.SelectMany(doc => Fence.Matches(Read(doc))
            .Where(m => m.Groups[1].Value is "" or "cmodel")
            .Select(m => m.Groups[2].Value)
            .Where(text => Regex.IsMatch(text, @"^\s*(//[^\n]*\n\s*)*(model|block|namespace)\b"))
            .Select((text, i) => new object[] { doc, i, text }));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_cmodel_example_compiles_as_written(string doc, int index, string text)
    {
        var result = Compile(text);
        Assert.False(result.HasErrors, $"{doc} example {index}:\n{Errors(result)}");
    }

    [Fact]
    public void The_docs_have_examples_to_check()
    {
        Assert.Contains(Examples(), e => (string)e[0] == "README.md");
        Assert.Contains(Examples(), e => (string)e[0] == "docs/language.md");
    }

    [Fact]
    public void The_READMEs_headline_error_is_what_the_compiler_says()
    {
        var quoted = Read("README.md").Split('\n').Single(l => l.StartsWith("samples/Quickstart/FashionResNet.cmodel(", StringComparison.Ordinal));
        const string path = "samples/Quickstart/FashionResNet.cmodel";
        var lines = Read(path).Split('\n');
        lines[16] = lines[16].Replace("batch_norm", "batch_nrom");
        var d = Assert.Single(CModelCompiler.Compile(path, string.Join("\n", lines)).Diagnostics);
        Assert.Equal(quoted, d.ToString());
    }

    [Fact]
    public void The_language_reference_lists_every_diagnostic_with_its_title()
    {
        var doc = Read("docs/language.md");
        foreach (var descriptor in DiagnosticDescriptors.All)
            Assert.Contains($"| {descriptor.Id} | {(descriptor.Severity == Severity.Error ? "error" : "warning")} | {descriptor.Title} |", doc);
    }

    [Fact]
    public void Every_diagnostic_is_in_the_analyzer_release_files_once_with_its_severity_and_title()
    {
        // The rows of the "### New Rules" sections, and of the "### Removed Rules" section (rules a release takes back).
        static IEnumerable<string> Rules(string text, bool removed) => text.Split("### ").Where(section => section.StartsWith("Removed Rules", StringComparison.Ordinal) == removed)
            .SelectMany(section => section.Split('\n')).Where(l => l.StartsWith("CM", StringComparison.Ordinal)).Select(l => l.TrimEnd('\r'));
        var (shipped, unshipped) = (Read("src/Dsl.Generator/AnalyzerReleases.Shipped.md"), Read("src/Dsl.Generator/AnalyzerReleases.Unshipped.md"));
        var removed = Rules(unshipped, removed: true).ToList();
        var expected = DiagnosticDescriptors.All.Select(d => $"{d.Id} | CModel | {d.Severity} | {d.Title}");
        var listed = Rules(shipped, removed: false).Concat(Rules(unshipped, removed: false)).Where(r => !removed.Contains(r));
        Assert.Equal(expected.OrderBy(r => r, StringComparer.Ordinal), listed.OrderBy(r => r, StringComparer.Ordinal));
    }
}
