using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>Front-end errors become compiler diagnostics located in the .cmodel file.</summary>
public class DiagnosticTests
{
    [Fact]
    public void A_broken_file_reports_located_errors_and_generates_no_class()
    {
        var file = new InMemoryText("/p/Broken.cmodel", "model Broken {\n    input x: [N, 4]\n    output x -> lienar(2)\n}\n");
        var (driver, _, diagnostics) = GeneratorHarness.Run(file);
        var d = Assert.Single(diagnostics);
        Assert.Equal("CM0002", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        var span = d.Location.GetLineSpan();
        Assert.Equal(("/p/Broken.cmodel", 2, 16), (span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal("unknown layer or block 'lienar'; did you mean 'linear'?", d.GetMessage());
        Assert.Equal(("Unknown layer or block", "CModel"), (d.Descriptor.Title.ToString(), d.Descriptor.Category));
        Assert.Empty(driver.GetRunResult().Results.Single().GeneratedSources);
    }

    [Fact]
    public void A_methods_diagnostic_carries_its_own_id_and_title()
    {
        var file = new InMemoryText("/p/Q.cmodel", "model Q {\n    input x: [N, 4]\n    output x -> linear(2) @quant(w: 9)\n}\n");
        var (_, _, diagnostics) = GeneratorHarness.Run(file);
        var d = Assert.Single(diagnostics);
        Assert.Equal(("CM0202", "Bit-width out of range", DiagnosticSeverity.Error), (d.Id, d.Descriptor.Title.ToString(), d.Severity));
        Assert.Equal("w must be between 2 and 8 bits but is 9", d.GetMessage());
    }

    [Fact]
    public void A_class_declared_in_two_files_is_reported_once_and_generated_once()
    {
        var one = new InMemoryText("/p/One.cmodel", "model Same {\n    input x: [N, 4]\n    output x\n}\n");
        var two = new InMemoryText("/p/Two.cmodel", "model Same {\n    input x: [N, 4]\n    output x\n}\n");
        var (driver, output, diagnostics) = GeneratorHarness.Run(one, two);
        var d = Assert.Single(diagnostics);
        Assert.Equal("CM0030", d.Id);
        Assert.Equal("/p/Two.cmodel", d.Location.GetLineSpan().Path);
        Assert.Equal("'Same' is also declared in /p/One.cmodel; model and block names must be unique across a project's .cmodel files", d.GetMessage());
        Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(x => x.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_file_whose_block_clashes_with_another_files_generates_nothing_that_would_not_compile()
    {
        // Two files declare block B with other parameters; the second file's model calls its own
        // B, which is not the one generated: its classes are left out, with CM0030 saying why.
        var one = new InMemoryText("/p/One.cmodel", "block B(dim: int) {\n    input x: [N, dim]\n    output x -> linear(dim)\n}\nmodel M1 {\n    input x: [N, 4]\n    output x -> B(4)\n}\n");
        var two = new InMemoryText("/p/Two.cmodel", "block B(dim: int, scale: float) {\n    input x: [N, dim]\n    output x * scale\n}\nmodel M2 {\n    input x: [N, 4]\n    output x -> B(4, 0.5)\n}\n");
        var (driver, output, diagnostics) = GeneratorHarness.Run(one, two);
        Assert.Contains(diagnostics, d => d.Id == "CM0030" && d.Location.GetLineSpan().Path == "/p/Two.cmodel");
        Assert.Equal(new[] { "B", "M1" }, driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.HintName.Split('.')[1]).OrderBy(n => n));
        Assert.Empty(output.GetDiagnostics().Where(x => x.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Warnings_keep_the_class()
    {
        var file = new InMemoryText("/p/W.cmodel", "model W {\n    input x: [N, 4]\n    unused = x -> relu\n    output x -> linear(2)\n}\n");
        var (driver, _, diagnostics) = GeneratorHarness.Run(file);
        Assert.Equal("CM0026", Assert.Single(diagnostics).Id);
        Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources);
    }
}
