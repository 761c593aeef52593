using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>A block declared in one .cmodel file (Lib.cmodel) is callable from the project's other files.</summary>
public class LibraryTests
{
    private static readonly InMemoryText Lib = new("/p/Lib.cmodel",
        "// Shared blocks.\nblock Stem(channels: int) {\n    input x: [N, C, H, W]\n    output x -> conv2d(channels, kernel: 3, padding: 1) -> relu\n}\n" +
        "block Head(classes: int) {\n    input x: [N, C]\n    output x -> linear(classes / 3)\n}\n");

    [Fact]
    public void Two_files_use_a_block_of_a_third_and_its_class_is_emitted_once()
    {
        var a = new InMemoryText("/p/A.cmodel", "model A {\n    input x: [N, 1, 8, 8]\n    output x -> Stem(4) -> flatten -> linear(2)\n}\n");
        var b = new InMemoryText("/p/B.cmodel", "model B {\n    input x: [N, 1, 8, 8]\n    output x -> Stem(4) -> flatten -> linear(3)\n}\n");
        var (driver, output, diagnostics) = GeneratorHarness.Run(Lib, a, b);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var compilation = (CSharpCompilation)output;
        Assert.NotNull(compilation.GetTypeByMetadataName("Consumer.Models.Stem"));
        Assert.Equal(3, driver.GetRunResult().Results.Single().GeneratedSources.Length);
    }

    [Fact]
    public void An_error_in_the_shared_block_is_located_in_its_file_and_names_the_call()
    {
        var a = new InMemoryText("/p/A.cmodel", "model A {\n    input x: [N, 4]\n    output x -> Head(4)\n}\n");
        var (_, _, diagnostics) = GeneratorHarness.Run(Lib, a);
        var d = Assert.Single(diagnostics);
        var span = d.Location.GetLineSpan();
        Assert.Equal(("CM0025", "/p/Lib.cmodel", 7, 23), (d.Id, span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal("4 / 3 does not divide evenly; sizes must be whole numbers (in the call at A.cmodel(3,17))", d.GetMessage());
    }

    [Fact]
    public void A_call_that_does_not_fit_the_shared_block_is_located_at_the_call()
    {
        var a = new InMemoryText("/p/A.cmodel", "model A {\n    input x: [N, 4]\n    output x -> Stem(4)\n}\n");
        var (_, _, diagnostics) = GeneratorHarness.Run(Lib, a);
        var d = Assert.Single(diagnostics);
        var span = d.Location.GetLineSpan();
        Assert.Equal(("CM0010", "/p/A.cmodel", 2, 16), (d.Id, span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal("block Stem expects [N, C, H, W] but got [N, 4]", d.GetMessage());
    }
}
