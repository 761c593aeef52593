using System.Globalization;

namespace Dsl.Parser.Costs;

/// <summary>How cost figures read in reports: 4.599 GMACs, 22.05 M parameters.</summary>
public static class CostText
{
    public static string Group(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>4.599 GMACs, 22.05 M parameters: units that are counts of operations take the prefix.</summary>
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
        return unit.EndsWith("Ps", System.StringComparison.Ordinal) || unit == "MACs" ? $"{number} {prefix}{unit}" : $"{number}{(prefix == "" ? "" : " " + prefix)} {unit}";
    }
}
