using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Parser.Costs;

namespace Dsl.Cli;

/// <summary>The human-readable cost report: one row per layer, then totals.</summary>
public static class CostTable
{
    public static void Write(CostReport report, string file, TextWriter output)
    {
        output.WriteLine($"{report.Model} ({file}): input {report.Input} -> output {report.Output}");
        output.WriteLine();
        var rows = report.Layers.Select(l => new[]
        {
            l.Path, l.Layer, l.Output.ToString(), Group(l.Macs), Group(l.Params), l.Bits ?? "", l.Bops > 0 ? Group(l.Bops) : "",
            string.Join(" ", l.Annotations.Select(a => "@" + a.Kind).Concat(l.Notes)),
        }).ToList();
        var header = new[] { "layer", "kind", "output", "MACs", "params", "bits", "BOPs", "compression" };
        var total = new[] { "total", "", "", Group(report.Macs), Group(report.Params), "", report.Bops > 0 ? Group(report.Bops) : "", "" };
        var all = new[] { header }.Concat(rows).Concat(new[] { total }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        string Line(string[] r) => string.Join("  ", r.Select((cell, c) => c is 3 or 4 or 6 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var r in rows) output.WriteLine(Line(r));
        output.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        output.WriteLine(Line(total));
        output.WriteLine();
        output.WriteLine($"{report.Model}: {Scaled(report.Macs, "MACs")} per sample, {Scaled(report.Params, "parameters")}");
        if (report.Bops > 0)
        {
            output.WriteLine($"low bit-width: {Scaled(report.Bops, "BOPs")}; OPs = BOPs/64 + full-precision MACs = {Scaled((long)System.Math.Round(report.Ops), "OPs")} " +
                $"({(report.Macs / report.Ops).ToString("0.0", CultureInfo.InvariantCulture)}× fewer than the full-precision model's MACs)");
        }
        output.WriteLine();
    }

    public static string Group(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>4.599 GMACs, 22.05 M parameters.</summary>
    public static string Scaled(long value, string unit)
    {
        var (scaled, prefix) = value switch
        {
            >= 1_000_000_000 => (value / 1e9, "G"),
            >= 1_000_000 => (value / 1e6, "M"),
            >= 1_000 => (value / 1e3, "K"),
            _ => (value, ""),
        };
        var digits = prefix == "" ? "0" : scaled >= 100 ? "0.0" : scaled >= 10 ? "0.00" : "0.000";
        var number = scaled.ToString(digits, CultureInfo.InvariantCulture);
        return unit is "MACs" or "BOPs" or "OPs" ? $"{number} {prefix}{unit}" : $"{number}{(prefix == "" ? "" : " " + prefix)} {unit}";
    }
}
