using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>
/// Mutated samples through the real generator: it never throws (which the compiler would
/// report as CS8785), every diagnostic lies inside its file, and whenever it emits code that
/// code compiles.
/// </summary>
public class FuzzTests
{
    private static readonly Regex Token = new(@"[A-Za-z_][A-Za-z0-9_]*|\d+(\.\d+)?|->|\s+|.", RegexOptions.Compiled);
    private static readonly string[] Extra = { "@", "->", "{", "}", "(", ")", ",", ":", "=", "+", "*", "repeat", "as", "2", "0.5", "x", "relu", "linear(3)", "-> flatten" };

    [Fact]
    public void Mutated_samples_never_crash_the_generator_nor_emit_broken_code()
    {
        var samples = GeneratorHarness.Samples().ToList();
        var random = new Random(20261125);
        var compiledOutputs = 0;
        for (var i = 0; i < 600; i++)
        {
            var sample = samples[i % samples.Count];
            var tokens = Token.Matches(sample.Content).Select(m => m.Value).ToList();
            for (var e = random.Next(1, 3); e > 0; e--)
            {
                var at = random.Next(tokens.Count);
                switch (random.Next(4))
                {
                    case 0: tokens.RemoveAt(at); break;
                    case 1: tokens.Insert(at, tokens[at]); break;
                    case 2: var j = random.Next(tokens.Count); (tokens[at], tokens[j]) = (tokens[j], tokens[at]); break;
                    default: tokens.Insert(at, Extra[random.Next(Extra.Length)]); break;
                }
            }
            var text = string.Concat(tokens);
            var file = new InMemoryText(sample.Path, text);
            var (driver, output, diagnostics) = GeneratorHarness.Run(file);
            var result = driver.GetRunResult().Results.Single();
            Assert.Null(result.Exception);
            Assert.DoesNotContain(diagnostics, d => d.Id == "CS8785");
            foreach (var d in diagnostics)
            {
                Assert.StartsWith("CM", d.Id);
                Assert.InRange(d.Location.SourceSpan.End, 0, text.Length);
            }
            if (result.GeneratedSources.Length > 0 && i % 6 == 0)
            {
                compiledOutputs++;
                var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                Assert.True(errors.Count == 0, text + "\n" + string.Join("\n", errors));
            }
        }
        Assert.True(compiledOutputs > 10, $"only {compiledOutputs} mutants produced code");
    }
}
