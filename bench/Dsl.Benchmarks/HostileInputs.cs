using System.Diagnostics;
using System.Globalization;
using Dsl.Parser;

namespace Dsl.Benchmarks;

/// <summary>
/// `hostile`: the front end on what fuzzing found, on a generator thread's 1.5 MiB stack. Each
/// reproducer's median time over 5 runs, then time against input size for unclosed brackets
/// and a repeated unfinished line: a linear parser keeps the time per KB flat as inputs grow.
/// </summary>
public static class HostileInputs
{
    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    public static void Run()
    {
        var reproducers = new (string Name, string Source)[]
        {
            ("1,000 nested parentheses", "model M { input x: [N, 4] output x -> linear(" + Repeat("(", 1000) + "1" + Repeat(")", 1000) + ") }"),
            ("1,000 nested repeats", "model M { input x: [N, 4] output x -> " + Repeat("repeat(1) { ", 1000) + "relu" + Repeat(" }", 1000) + " }"),
            ("3,000 x + x terms", "model M { input x: [N, 4] output x" + Repeat(" + x", 3000) + " }"),
            ("repeat(10000) { repeat(10000) { relu } }", "model M { input x: [N, 4] output x -> repeat(10000) { repeat(10000) { relu } } }"),
            ("3,000 one-line models", string.Join("\n", Enumerable.Range(0, 3000).Select(i => $"model M{i} {{ input x: [N, 4] output x -> relu }}"))),
            ("a 30,000-character unknown name", "model M { input x: [N, 4] output x -> " + new string('q', 30_000) + " }"),
            ("1 and 400 zeros", "model M { input x: [N, 4] output x -> linear(1" + new string('0', 400) + ") }"),
        };
        Console.WriteLine("| input | median ms |");
        Console.WriteLine("|---|---:|");
        foreach (var (name, source) in reproducers) Console.WriteLine($"| {name} | {Median(source):0.0} |");

        Console.WriteLine();
        Console.WriteLine("| unclosed input | size | ms | ms per KB |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var k in new[] { 20, 200, 2000, 20000 })
            Row($"input x: [N, + {k} × '[N, '", "model M { input x: [N, " + Repeat("[N, ", k));
        foreach (var k in new[] { 8, 80, 800, 8000 })
            Row($"{k} lines 'h = x -> linear(4, bias'", "model M {\n    input x: [N, 4]\n" + Repeat("    h = x -> linear(4, bias\n", k) + "    output x\n}");
    }

    private static void Row(string name, string source)
    {
        var ms = Median(source);
        Console.WriteLine($"| {name} | {source.Length:N0} | {ms:0.0} | {ms / (source.Length / 1024.0):0.000} |");
    }

    private static double Median(string source)
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var thread = new Thread(() =>
            {
                var watch = Stopwatch.StartNew();
                CModelCompiler.Compile("hostile.cmodel", source);
                lock (times) times.Add(watch.Elapsed.TotalMilliseconds);
            }, 1536 * 1024);
            thread.Start();
            thread.Join();
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
