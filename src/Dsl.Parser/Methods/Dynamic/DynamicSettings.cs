using System.Collections.Generic;
using System.Globalization;

namespace Dsl.Parser.Methods;

/// <summary>
/// A @dynamic annotation's settings: the widths the supernet runs at (narrowest first), how a
/// layer slims by default (both, inputs, outputs or none; a layer may set its own), and the routing's: the overlap of the patches an
/// image is cut into (a patch is the model's input size), the moiré prior's high-pass cutoff D₀
/// and colourfulness weight.
/// </summary>
public sealed record DynamicSettings(IReadOnlyList<double> Widths, string Slim, long Overlap, double Cutoff, double ColourWeight)
{
    public static bool SlimsInputs(string slim) => slim is "both" or "inputs";

    public static bool SlimsOutputs(string slim) => slim is "both" or "outputs";

    /// <summary>The channels kept of <paramref name="channels"/> at <paramref name="width"/>: int(w·C), as the method defines it (and the runtime computes it).</summary>
    public static long Active(long channels, double width) => (long)(width * channels);

    /// <summary>The setting a width's figures go under: w25 for 0.25, w37_5 for 0.375.</summary>
    public static string Setting(double width) =>
        "w" + System.Math.Round(width * 100, 3).ToString(CultureInfo.InvariantCulture).Replace('.', '_');
}
