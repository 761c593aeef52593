using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>
/// Generated code for the samples equals the committed baselines in Baselines/. A missing or
/// different baseline fails; CMODEL_UPDATE_BASELINES=1 rewrites them on purpose.
/// </summary>
public class BaselineTests
{
    public static IEnumerable<object[]> Samples() => GeneratorHarness.Samples().Select(s => new object[] { Path.GetFileName(s.Path) });

    [Theory]
    [MemberData(nameof(Samples))]
    public void Generated_code_matches_its_baseline(string sample)
    {
        var file = GeneratorHarness.Samples().Single(s => Path.GetFileName(s.Path) == sample);
        var (driver, _, _) = GeneratorHarness.Run(file);
        var sources = driver.GetRunResult().Results.Single().GeneratedSources;
        Assert.NotEmpty(sources);
        var update = Environment.GetEnvironmentVariable("CMODEL_UPDATE_BASELINES") == "1";
        foreach (var source in sources)
        {
            var parts = source.HintName.Split('.');
            var baseline = Path.Combine(BaselineFolder(), $"{parts[0]}.{parts[1]}.g.cs.txt");
            var actual = source.SourceText.ToString();
            if (update)
            {
                File.WriteAllText(baseline, actual);
                continue;
            }
            Assert.True(File.Exists(baseline), $"no baseline {baseline}; run the tests with CMODEL_UPDATE_BASELINES=1 to write it, then review and commit it");
            Assert.Equal(File.ReadAllText(baseline), actual);
        }
    }

    [Fact]
    public void Generated_code_compiles_without_warnings()
    {
        var (_, output, generatorDiagnostics) = GeneratorHarness.Run(GeneratorHarness.Samples().ToArray());
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string BaselineFolder([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Baselines");
}
