using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>Magnitude pruning's diagnostics (@prune): ids CM0501 onwards.</summary>
public static class PruneDiagnostics
{
    public static readonly DiagnosticDescriptor EveryWeight = DiagnosticDescriptor.Error("CM0501", "Pruning every weight");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { EveryWeight };
}
