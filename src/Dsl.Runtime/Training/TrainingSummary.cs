using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Spectre.Console;

namespace Dsl.Runtime.Training;

/// <summary>The end of a run: accuracy, cost, and speed, printable as a table.</summary>
public sealed record TrainingSummary(string Model, string Device, string Data, ModelCost Cost, IReadOnlyList<EpochResult> History)
{
    public EpochResult Final => History[^1];

    public double BestTop1 => History.Max(h => h.Top1);

    public double SecondsPerEpoch => History.Average(h => h.Seconds);

    public double ImagesPerSecond => History.Average(h => h.ImagesPerSecond);

    public IEnumerable<(string Name, string Value)> Rows()
    {
        var c = CultureInfo.InvariantCulture;
        yield return ("model", Model);
        yield return ("data", Data);
        yield return ("device", Device);
        yield return ("epochs", History.Count.ToString(c));
        yield return ("test top-1", Final.Top1.ToString("P2", c) + $" (best {BestTop1.ToString("P2", c)})");
        if (Final.Top5 is { } top5) yield return ("test top-5", top5.ToString("P2", c));
        yield return ("test loss", Final.TestLoss.ToString("F4", c));
        yield return ("parameters", Cost.Parameters.ToString("N0", c));
        yield return ("MACs per image", Cost.Macs is { } m ? m.ToString("N0", c) : "unknown (not a generated model)");
        foreach (var metric in Cost.Metrics) yield return (metric.Label, metric.Value.ToString("N0", c));
        yield return ("time per epoch", SecondsPerEpoch.ToString("F1", c) + " s");
        yield return ("training images/s", ImagesPerSecond.ToString("F0", c));
    }

    /// <summary>A table on a terminal, aligned text otherwise.</summary>
    public void Print(TextWriter output, bool terminal)
    {
        if (terminal)
        {
            var table = new Table().Title("training summary").AddColumn("").AddColumn("");
            table.HideHeaders();
            foreach (var (name, value) in Rows()) table.AddRow(Markup.Escape(name), Markup.Escape(value));
            AnsiConsole.Write(table);
            return;
        }
        var width = Rows().Max(r => r.Name.Length);
        output.WriteLine("training summary");
        foreach (var (name, value) in Rows()) output.WriteLine($"  {name.PadRight(width)}  {value}");
    }
}
