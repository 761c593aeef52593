using System.IO;
using System.Linq;
using Dsl.Parser.Costs;
using static Dsl.Parser.Costs.CostText;

namespace Dsl.Cli;

/// <summary>The human-readable cost report: one row per layer, then totals; a column for each per-layer metric a method reports in this model.</summary>
public static class CostTable
{
    public static void Write(CostReport report, string file, TextWriter output)
    {
        var outputs = report.NamedOutputs.Count == 0 ? $"output {report.Output}" : "outputs " + string.Join(", ", report.NamedOutputs.Select(o => $"{o.Name} {o.Shape}"));
        var inputs = report.NamedInputs.Count == 0 ? $"input {report.Input}" : "inputs " + string.Join(", ", report.NamedInputs.Select(i => $"{i.Name} {i.Shape}"));
        output.WriteLine($"{report.Model} ({file}): {inputs} -> {outputs}");
        if (report.Features.Count > 0) output.WriteLine("features: " + string.Join(", ", report.Features.Select(f => $"{f.Name} {f.Shape}")));
        output.WriteLine();
        // A metric at a setting goes to the table of settings below, not a column of its own.
        var columns = report.Reported.Where(m => m.Column != null && m.Setting == null).ToList();
        string Figure(CostMetric m, double value) => value > 0 ? Group((long)System.Math.Round(value)) : "";
        var rows = report.Layers.Select(l => new[] { l.Path, l.Layer, l.Output.ToString(), Group(l.Macs), Group(l.Params), l.Bits ?? "" }
            .Concat(columns.Select(m => Figure(m, l.Metric(m))))
            .Append(string.Join(" ", l.Annotations.Select(a => "@" + a.Kind).Concat(l.Notes)))
            .ToArray()).ToList();
        var header = new[] { "layer", "kind", "output", "MACs", "params", "bits" }.Concat(columns.Select(m => m.Column!)).Append("compression").ToArray();
        var total = new[] { "total", "", "", Group(report.Macs), Group(report.Params), "" }.Concat(columns.Select(m => Figure(m, report.Total(m)))).Append("").ToArray();
        var numeric = new[] { 3, 4 }.Concat(columns.Select((_, i) => 6 + i)).ToHashSet();
        var all = new[] { header }.Concat(rows).Concat(new[] { total }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        string Line(string[] r) => string.Join("  ", r.Select((cell, c) => numeric.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var r in rows) output.WriteLine(Line(r));
        output.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        output.WriteLine(Line(total));
        output.WriteLine();
        WriteSettings(report, output);
        output.WriteLine($"{report.Model}: {Scaled(report.Macs, "MACs")} per sample, {Scaled(report.Params, "parameters")}");
        var footnotes = report.Reported.Where(m => m.Footnote != null).Select(m => m.Footnote!(report)).ToList();
        if (footnotes.Count > 0) output.WriteLine(string.Join("; ", footnotes));
        output.WriteLine();
    }

    /// <summary>One row per setting the model runs at (each bit-width of @multibit), with the model's totals there.</summary>
    private static void WriteSettings(CostReport report, TextWriter output)
    {
        var settings = report.Settings;
        if (settings.Count == 0) return;
        var families = settings.SelectMany(s => s.Metrics.Select(m => m.Family!)).Distinct().Where(f => f.Column != null).ToList();
        var header = new[] { "setting" }.Concat(families.Select(f => f.Column!)).ToArray();
        var rows = settings.Select(s => new[] { s.Setting }
            .Concat(families.Select(f => s.Metrics.FirstOrDefault(m => m.Family == f) is { } m ? Group((long)System.Math.Round(report.Total(m))) : ""))
            .ToArray()).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Prepend(header).Max(r => r[c].Length)).ToArray();
        string Line(string[] r) => string.Join("  ", r.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])));
        output.WriteLine(Line(header));
        output.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var r in rows) output.WriteLine(Line(r));
        output.WriteLine();
    }
}
