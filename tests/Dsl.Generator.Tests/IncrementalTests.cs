using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>The pipeline caches: unrelated edits regenerate nothing, one file's edit only that file.</summary>
public class IncrementalTests
{
    private static readonly InMemoryText A = new("/p/A.cmodel", "model A {\n    input x: [N, 4]\n    output x -> linear(2)\n}\n");
    private static readonly InMemoryText B = new("/p/B.cmodel", "model B {\n    input x: [N, 4]\n    output x -> linear(3)\n}\n");

    private static IReadOnlyList<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    [Fact]
    public void An_unrelated_csharp_edit_regenerates_nothing()
    {
        var compilation = GeneratorHarness.Compilation("class Anchor { }");
        var driver = GeneratorHarness.Driver(new[] { A, B }).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }"));
        driver = driver.RunGenerators(edited);
        Assert.All(Reasons(driver, TrackingNames.Compiled), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_cmodel_recompiles_only_that_file()
    {
        var compilation = GeneratorHarness.Compilation("class Anchor { }");
        var driver = GeneratorHarness.Driver(new[] { A, B }).RunGenerators(compilation);
        var before = driver.GetRunResult().Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        var editedB = new InMemoryText(B.Path, B.Content.Replace("linear(3)", "linear(5)"));
        driver = driver.ReplaceAdditionalText(B, editedB).RunGenerators(compilation);

        var reasons = Reasons(driver, TrackingNames.Compiled);
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged));
        var after = driver.GetRunResult().Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var changed = after.Where(p => before[p.Key] != p.Value).Select(p => p.Key).ToList();
        Assert.Single(changed);
        Assert.StartsWith("B.B.", changed[0]);
    }
}
