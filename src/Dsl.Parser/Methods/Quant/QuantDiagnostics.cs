using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>LSQ's diagnostics (@quant): ids CM0201 onwards.</summary>
public static class QuantDiagnostics
{
    public static readonly DiagnosticDescriptor NoBits = DiagnosticDescriptor.Error("CM0201", "No bit-width");
    public static readonly DiagnosticDescriptor BitsOutOfRange = DiagnosticDescriptor.Error("CM0202", "Bit-width out of range");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { NoBits, BitsOutOfRange };
}
