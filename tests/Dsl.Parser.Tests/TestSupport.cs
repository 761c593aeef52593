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

    /// <summary>Compiles on a thread with a generator thread's 1.5 MiB stack; a hang or a stack overflow fails the test.</summary>
    public static CompilationResult OnGeneratorStack(string source)
    {
        CompilationResult? result = null;
        var thread = new Thread(() => result = Compile(source), 1536 * 1024);
        thread.Start();
        // A hang guard, not a timing: these end in milliseconds (bench: docs/benchmarks.md).
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the front end did not finish");
        return result!;
    }

    /// <summary>The @tokens plans handed to each block of the model's stack named <paramref name="stack"/>.</summary>
    /// <summary>Each block's share of a @tokens stack, read from its construction: tokens.Block(prune, merge[, cost]) or tokens.Learned(patches, granularity, cost[, reduce]).</summary>
    public static IReadOnlyList<TokenSchedule> TokenPlans(ModelResult model, string stack = "blocks")
    {
        var repeat = (Semantics.RepeatConstruction)model.Class.Fields.Single(f => f.Name == stack).Construction;
        return repeat.Copies.Cast<Semantics.BlockConstruction>().Select(b => TokenSchedule.Of((Semantics.CallCode)b.Args.Single(a => a.Name == "tokens").Value)).ToList();
    }

    /// <summary>A model around one pipeline: input [N, ...dims], output input -> stages.</summary>
    public static string Model(string input, string stages) => $$"""
        model M {
            input x: [N, {{input}}]
            output x -> {{stages}}
        }
        """;

    /// <summary>The low bit-width metrics the tests check, by hand-worked value.</summary>
    public static long Bops(this Costs.LayerCost layer) => (long)layer.Metric(Methods.LowBitMetrics.Bops);

    public static double Ops(this Costs.LayerCost layer) => layer.Metric(Methods.LowBitMetrics.Ops);

    public static long Bops(this Costs.CostReport report) => (long)report.Total(Methods.LowBitMetrics.Bops);

    public static double Ops(this Costs.CostReport report) => report.Total(Methods.LowBitMetrics.Ops);
}

/// <summary>A block's @tokens share as a test reads it.</summary>
public sealed record TokenSchedule(long Prune, long Merge, bool Learned, long Patches, long Granularity, TokenCostFigures? Cost, string Reduce)
{
    public static TokenSchedule Of(Semantics.CallCode call)
    {
        var args = call.Args.ToDictionary(a => a.Name, a => a.Value);
        long Int(string name) => args.TryGetValue(name, out var v) ? (long)((Semantics.ConstExpr)((Semantics.ScalarCode)v).Expr).Value : 0;
        var cost = args.TryGetValue("cost", out var c)
            ? ((Semantics.NewCode)c).Items.Cast<Semantics.RealCode>().Select(r => r.Value).ToList()
            : null;
        return new TokenSchedule(Int("prune"), Int("merge"), call.Function == "tokens.Learned", Int("patches"), Int("granularity"),
            cost == null ? null : new TokenCostFigures(cost[0], cost[1], cost[2]), args.TryGetValue("reduce", out var r) ? ((Semantics.WordCode)r).Word : "both");
    }
}

public sealed record TokenCostFigures(double PerToken, double PerTokenPair, double PerTokenAfter);
