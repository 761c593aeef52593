using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>
/// Names that collide with C# (keywords, the generated members, TorchSharp's, the runtime's
/// classes, names differing only in case) either compile, escaped, or are a located CM error:
/// never generated code that fails to compile.
/// </summary>
public class EmittableNameTests
{
    public static TheoryData<string> Sources => new()
    {
        "model class { input x: [N, 4] output x -> relu }",
        "model M { input x: [N, 4] output x -> relu as Macs }",
        "model M { input x: [N, 4] output x -> relu as ParameterCount }",
        "model M { input x: [N, 4] output x -> relu as InputShape }",
        "model M { input x: [N, 4] output x -> relu as M }",
        "model M { input x: [N, 4] output x -> linear(4) as forward }",
        "model M { input x: [N, 4] output x -> relu as training }",
        "model M { input x: [N, 4] output x -> relu as @base }".Replace("@", ""),
        "model M { input x: [N, 4] output x -> relu as this }".Replace("this", "@this").Replace("@", ""),
        "block M { input x: [N, 4] output x }\nmodel m { input x: [N, 4] output x -> M }",
        "model Ops { input x: [N, 4] output x -> relu }",
        "model Layers { input x: [N, 4] output x -> relu }",
        "model torch { input x: [N, 4] output x -> relu }",
        "model Tensor { input x: [N, 4] output x -> relu }",
        "model System { input x: [N, 4] output x -> relu }",
        "model M(forward: int = 3) { input x: [N, 4] output x -> linear(forward) }",
        "model M(int: int = 3) { input x: [N, 4] output x -> linear(int) }",
        "model M(Macs: int = 3) { input x: [N, 4] output x -> linear(Macs) }",
        "model M { input @event: [N, 4] output @event -> relu }".Replace("@", ""),
        "model M { input x: [N, 4] var = x -> relu output var }",
        "model M { input x: [N, 4] t1 = x -> relu output (t1 + x) -> linear(2) -> relu }",
        "model M { input x: [N, 4] output x -> relu as linear }",
        "model M { input x: [N, 4] output x -> relu as relu_1 -> relu }",
        "model M { input x: [N, 4] output x -> relu as RegisterComponents }",
        "model M { input x: [N, 4] output x -> relu as GetType }",
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Generated_code_compiles_or_the_file_has_a_located_error(string source)
    {
        var (driver, output, diagnostics) = GeneratorHarness.Run(new InMemoryText("/p/Names.cmodel", source));
        var csharpErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var cmodelErrors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(csharpErrors.Count == 0, string.Join("\n", csharpErrors) + "\n" + string.Join("\n", driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.SourceText.ToString())));
        Assert.All(cmodelErrors, d => Assert.StartsWith("CM", d.Id));
        Assert.DoesNotContain(cmodelErrors, d => d.Id == "CM0037");
    }
}
