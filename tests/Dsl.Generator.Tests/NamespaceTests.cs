using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>Generated classes go to the project's root namespace, or to the file's own <c>namespace</c>.</summary>
public class NamespaceTests
{
    [Fact]
    public void A_file_can_name_its_namespace_and_one_that_does_not_uses_the_root_namespace()
    {
        var own = new InMemoryText("/p/Own.cmodel", "namespace MyApp.Vision.class\n\nmodel Net {\n    input x: [N, 4]\n    output x -> linear(2)\n}\n");
        var plain = new InMemoryText("/p/Plain.cmodel", "model Other {\n    input x: [N, 4]\n    output x -> linear(3)\n}\n");
        var (_, output, diagnostics) = GeneratorHarness.Run(own, plain);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var compilation = (CSharpCompilation)output;
        // A C# keyword in the name is escaped, so the namespace still compiles.
        Assert.NotNull(compilation.GetTypeByMetadataName("MyApp.Vision.class.Net"));
        Assert.NotNull(compilation.GetTypeByMetadataName("Consumer.Models.Other"));
    }

    [Fact]
    public void Generated_code_means_the_runtime_even_where_the_project_has_its_own_Layers_and_Compression()
    {
        // The project's root namespace is Consumer.Models: Consumer.Layers and Consumer.Compression are in an enclosing namespace.
        var project = GeneratorHarness.Compilation("namespace Consumer.Layers { class Mine { } } namespace Consumer { static class Compression { } }");
        var file = new InMemoryText("/p/Net.cmodel", "model Net {\n    input x: [N, 4]\n    output x -> linear(2) @quant(w: 4, a: 4)\n}\n");
        GeneratorHarness.Driver(new[] { file }).RunGeneratorsAndUpdateCompilation(project, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_namespace_after_a_declaration_is_an_error()
    {
        var file = new InMemoryText("/p/Late.cmodel", "model Net {\n    input x: [N, 4]\n    output x\n}\nnamespace Late\n");
        var (_, _, diagnostics) = GeneratorHarness.Run(file);
        var d = Assert.Single(diagnostics);
        Assert.Equal(("CM0001", 4, "'namespace' comes first in a file, before every declaration"), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line, d.GetMessage()));
    }
}
