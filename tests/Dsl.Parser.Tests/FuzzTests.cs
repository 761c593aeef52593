using System.Text.RegularExpressions;
using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>
/// Bounded mutation fuzzing of the samples: delete, duplicate, swap and insert tokens, and
/// truncate. The front end must never throw, and every diagnostic must lie inside the file.
/// </summary>
public class FuzzTests
{
    private static readonly Regex Token = new(@"[A-Za-z_][A-Za-z0-9_]*|\d+(\.\d+)?([eE][-+]?\d+)?|->|//|/\*|\*/|\s+|.", RegexOptions.Compiled);

    private static readonly string[] Extra =
    {
        "@", "->", "{", "}", "(", ")", "[", "]", ",", ":", "=", "+", "-", "*", "/", "repeat", "model", "block", "input",
        "output", "as", "/*", "//", "0", "-1", "1e99", "99999999999999999999", "0.5", "true", "x", "N", "@quant", "\n",
        "concat", "linear", "as forward", "repeat(100000)",
    };

    public static IEnumerable<object[]> Samples() => SamplePaths().Select(p => new object[] { Path.GetFileName(p) });

    [Theory]
    [MemberData(nameof(Samples))]
    public void Mutated_samples_never_crash_the_front_end(string sample)
    {
        var path = SamplePaths().Single(p => Path.GetFileName(p) == sample);
        var text = File.ReadAllText(path);
        var tokens = Token.Matches(text).Select(m => m.Value).ToList();
        var random = new Random(sample.Length * 7919);
        for (var i = 0; i < 1500; i++)
        {
            var mutated = Mutate(tokens, random);
            var result = CModelCompiler.Compile("fuzz.cmodel", mutated);
            foreach (var d in result.Diagnostics)
            {
                Assert.InRange(d.Span.Start, 0, mutated.Length);
                Assert.InRange(d.Span.End, d.Span.Start, mutated.Length);
                Assert.StartsWith("CM", d.Id);
                Assert.False(string.IsNullOrWhiteSpace(d.Message));
            }
        }
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
