using System.Globalization;

namespace Dsl.Parser.Costs;

/// <summary>How cost figures read in reports: 4.599 GMACs, 22.05 M parameters.</summary>
public static class CostText
{
    private static readonly (double Scale, string Prefix)[] Prefixes = { (1e9, "G"), (1e6, "M"), (1e3, "K"), (1, "") };

    public static string Group(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>4.599 GMACs, 22.05 M parameters: four significant digits, and units that count operations take the prefix.</summary>
    public static string Scaled(long value, string unit)
    {
        var i = 0;
        while (i < Prefixes.Length - 1 && value < Prefixes[i].Scale) i++;
        var number = Number(value, i);
        // 999,999 would read 1000.0 K: one prefix up it reads 1.000 M.
        if (i > 0 && double.Parse(number, CultureInfo.InvariantCulture) >= 1000) number = Number(value, --i);
        var prefix = Prefixes[i].Prefix;
        return unit.EndsWith("Ps", System.StringComparison.Ordinal) || unit == "MACs" ? $"{number} {prefix}{unit}" : $"{number}{(prefix == "" ? "" : " " + prefix)} {unit}";
    }

    private static string Number(long value, int prefix)
    {
        var scaled = value / Prefixes[prefix].Scale;
        var digits = Prefixes[prefix].Prefix == "" ? "0" : scaled >= 100 ? "0.0" : scaled >= 10 ? "0.00" : "0.000";
        return scaled.ToString(digits, CultureInfo.InvariantCulture);
    }
}
