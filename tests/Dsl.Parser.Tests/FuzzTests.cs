using System.Text.RegularExpressions;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// Bounded mutation fuzzing of the samples: delete, duplicate, swap and insert tokens, and
/// truncate. The front end never throws nor reports an internal error (CM0037), every input ends
/// in time on a generator-sized stack, every diagnostic lies inside the file, and no accepted
/// file has a negative, wrapped or out-of-range figure. CMODEL_FUZZ_ITERATIONS (per sample) and
/// CMODEL_FUZZ_SEED make the long run of docs/testing.md.
/// </summary>
public class FuzzTests
{
    private static readonly Regex Token = new(@"[A-Za-z_][A-Za-z0-9_]*|\d+(\.\d+)?([eE][-+]?\d+)?|->|//|/\*|\*/|\s+|.", RegexOptions.Compiled);

    private static readonly string[] Extra =
    {
        "@", "->", "{", "}", "(", ")", "[", "]", ",", ":", "=", "+", "-", "*", "/", "repeat", "model", "block", "input",
        "output", "as", "/*", "//", "0", "-1", "1e99", "99999999999999999999", "0.5", "true", "x", "N", "@quant", "\n",
        "concat", "linear", "as forward", "repeat(100000)", "4294967296", "3037000500", "٣", "\r", "\"reflect\"",
        "9223372036854775807", "[", "((((", "namespace", "as Macs", "class", "//", "input y: [N, 4]",
    };

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("CMODEL_FUZZ_ITERATIONS"), out var n) ? n : 1500;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("CMODEL_FUZZ_SEED"), out var n) ? n : 0;

    public static IEnumerable<object[]> Samples() => SamplePaths().Select(p => new object[] { Path.GetFileName(p) });

    [Theory]
    [MemberData(nameof(Samples))]
    public void Mutated_samples_never_crash_the_front_end(string sample)
    {
        var path = SamplePaths().Single(p => Path.GetFileName(p) == sample);
        var text = File.ReadAllText(path);
        var tokens = Token.Matches(text).Select(m => m.Value).ToList();
        var random = new Random(sample.Length * 7919 + Seed);
        var failures = new List<string>();
        // One thread with a generator's 1.5 MiB stack runs every mutant; a stack overflow kills the run, a hang fails it.
        var thread = new Thread(() =>
        {
            for (var i = 0; i < Iterations && failures.Count == 0; i++)
            {
                var mutated = Mutate(tokens, random);
                var started = System.Diagnostics.Stopwatch.StartNew();
                var result = CModelCompiler.Compile("fuzz.cmodel", mutated);
                if (started.Elapsed.TotalSeconds > 5) failures.Add($"took {started.Elapsed.TotalSeconds:0.0} s:\n{mutated}");
                foreach (var d in result.Diagnostics)
                {
                    if (d.Span.Start < 0 || d.Span.End > mutated.Length || d.Span.End < d.Span.Start) failures.Add($"{d} outside the file:\n{mutated}");
                    if (!d.Id.StartsWith("CM", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(d.Message) || d.Id == "CM0037") failures.Add($"{d}:\n{mutated}");
                }
                foreach (var model in result.Models)
                {
                    var figures = model.Cost.Layers.SelectMany(l => new[] { l.Macs, l.Params, l.Bops() })
                        .Concat(new[] { model.Cost.Macs, model.Cost.Params, model.Cost.Bops() })
                        .Concat(model.Cost.Layers.SelectMany(l => l.Output.Dims.Where(d => !d.IsBatch).Select(d => d.Value - 1)));
                    if (figures.Any(f => f < 0 || f > Dsl.Parser.Semantics.Limits.MaxInteger)) failures.Add($"a figure out of range in {model.Class.Name}:\n{mutated}");
                }
            }
        }, 1536 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(10)), "the fuzz run did not finish");
        Assert.Empty(failures);
    }

    internal static string Mutate(IReadOnlyList<string> tokens, Random random)
    {
        var t = tokens.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && t.Count > 1; e++)
        {
            var i = random.Next(t.Count);
            switch (random.Next(5))
            {
                case 0: t.RemoveAt(i); break;
                case 1: t.Insert(i, t[i]); break;
                case 2: var j = random.Next(t.Count); (t[i], t[j]) = (t[j], t[i]); break;
                case 3: t.Insert(i, Extra[random.Next(Extra.Length)]); break;
                default: t.RemoveRange(i, t.Count - i); break;
            }
        }
        return string.Concat(t);
    }
}
