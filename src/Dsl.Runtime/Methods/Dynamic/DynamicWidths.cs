using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// The widths a @dynamic network runs at, and the one it runs at now: every slimmable layer of
/// the network reads <see cref="Current"/>, so one setting switches the whole supernet.
/// </summary>
public sealed class DynamicWidths
{
    private double _current;

    public DynamicWidths(IEnumerable<double> widths)
    {
        Widths = widths.OrderBy(w => w).ToList();
        if (Widths.Count == 0 || Widths.Any(w => w <= 0 || w > 1) || Widths.Distinct().Count() != Widths.Count)
            throw new ArgumentException($"widths are distinct fractions in (0, 1], not [{string.Join(", ", Widths)}]", nameof(widths));
        _current = Widths[^1];
    }

    /// <summary>The widths, narrowest first.</summary>
    public IReadOnlyList<double> Widths { get; }

    /// <summary>The width every slimmable layer uses now; the widest at first.</summary>
    public double Current
    {
        get => _current;
        set => _current = IndexOf(value) >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"the widths are [{string.Join(", ", Widths)}]");
    }

    public int IndexOf(double width) => Widths.ToList().FindIndex(w => Math.Abs(w - width) < 1e-9);

    /// <summary>The channels a slimmed layer of <paramref name="channels"/> keeps at <paramref name="width"/>: int(w·C), as the method defines it.</summary>
    public static long Active(long channels, double width) => (long)(width * channels);
}
