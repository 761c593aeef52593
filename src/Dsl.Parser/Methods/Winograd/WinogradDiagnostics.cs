using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>Low-rank Winograd's diagnostics (@winograd): ids CM0901 onwards.</summary>
public static class WinogradDiagnostics
{
    public static readonly DiagnosticDescriptor BadTile = DiagnosticDescriptor.Error("CM0901", "Winograd tile not available");
    public static readonly DiagnosticDescriptor BeyondPositions = DiagnosticDescriptor.Error("CM0902", "More than the Winograd positions");
    public static readonly DiagnosticDescriptor OtherModesArgument = DiagnosticDescriptor.Error("CM0903", "Argument of another mode");
    public static readonly DiagnosticDescriptor UnsupportedLayer = DiagnosticDescriptor.Error("CM0904", "Layer Winograd cannot compute");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { BadTile, BeyondPositions, OtherModesArgument, UnsupportedLayer };
}
